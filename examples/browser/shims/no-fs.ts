/**
 * Stands in for node:fs and node:fs/promises in the browser bundle. The page
 * passes its own `readText` for `extends`, so these are never reached; if
 * they are, the message says why.
 */
const unavailable = (): never => {
  throw new Error("no file system in the browser: specs are read from the page");
};
export const readFileSync = unavailable;
export const readFile = unavailable;
export const closeSync = unavailable;
export const fstatSync = unavailable;
export const openSync = unavailable;
export const readSync = unavailable;
export const constants = {};
export default { readFileSync, readFile, closeSync, fstatSync, openSync, readSync, constants };
