/** The browser build bundles .convspec files as text (esbuild loader "text"). */
declare module "*.convspec" {
  const text: string;
  export default text;
}
