/** compiler/io/write-file: where an output goes, and that nothing is destroyed or left behind. */
import {
  chmodSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../compiler/errors.js";
import { CommandInputs } from "../../compiler/io/input-files.js";
import { checkOutputPath, writeOutputFile, writeOutputText } from "../../compiler/io/write-file.js";
import { isCharacterDevice, makeFifo, readFifo, tempDir, withFifoHeld } from "./helpers.js";

async function rejection(work: Promise<unknown>): Promise<UserError> {
  try {
    await work;
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error("expected a UserError");
}

describe("writeOutputFile: regular files", () => {
  it("replaces a file atomically, keeping its permissions, and leaves no temporary file", async () => {
    const dir = tempDir();
    const path = join(dir, "out.txt");
    writeFileSync(path, "old");
    chmodSync(path, 0o640);
    await writeOutputText(path, "new");
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(["out.txt"]);
  });

  it("writes through a symlink: the link stays, the file it names is replaced", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "real.txt"), "old");
    symlinkSync("real.txt", join(dir, "link.txt"));
    await writeOutputText(join(dir, "link.txt"), "new");
    expect(lstatSync(join(dir, "link.txt")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "real.txt"), "utf8")).toBe("new");
  });

  it("streams chunks in order", async () => {
    const path = join(tempDir(), "out.bin");
    await writeOutputFile(path, async (sink) => {
      await sink.write("ab");
      await sink.write(new Uint8Array([0x63, 0x64]));
      await sink.write("");
    });
    expect(readFileSync(path, "utf8")).toBe("abcd");
  });

  it("removes the temporary file and keeps the old contents when producing fails", async () => {
    const dir = tempDir();
    const path = join(dir, "out.txt");
    writeFileSync(path, "old");
    await expect(writeOutputFile(path, async (sink) => {
      await sink.write("half");
      throw new UserError("producer failed");
    })).rejects.toThrow("producer failed");
    expect(readFileSync(path, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["out.txt"]);
  });

  it.each([
    ["a parent that is a file", (dir: string) => (writeFileSync(join(dir, "file"), "x"), join(dir, "file", "x")), /is a file, not a folder/],
    ["a parent two levels up that is a file", (dir: string) => (writeFileSync(join(dir, "file"), "x"), join(dir, "file", "a", "x")), /file is a file, not a folder/],
    ["a missing folder", (dir: string) => join(dir, "missing", "x"), /folder .*missing does not exist/],
    ["a directory", (dir: string) => (mkdirSync(join(dir, "sub")), join(dir, "sub")), /is a directory; give a file name/],
    ["a trailing slash", (dir: string) => join(dir, "new") + "/", /names a folder; give a file name/],
  ])("refuses %s with a UserError, writing nothing", async (_name, make, message) => {
    const dir = tempDir();
    const path = make(dir);
    const before = readdirSync(dir).sort();
    const error = await rejection(writeOutputText(path, "x"));
    expect(error.message).toMatch(message);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(() => checkOutputPath(path)).toThrow(message);
  });

  // Root may write anything: there the check cannot be observed.
  it.skipIf(process.getuid?.() === 0)("refuses to replace a read-only file", async () => {
    const path = join(tempDir(), "ro.txt");
    writeFileSync(path, "keep");
    chmodSync(path, 0o444);
    expect((await rejection(writeOutputText(path, "x"))).message).toMatch(/read-only/);
    expect(readFileSync(path, "utf8")).toBe("keep");
  });
});

describe("writeOutputFile: special files are written in place, never replaced", () => {
  it("writes to /dev/null and leaves it a character device", async () => {
    await writeOutputText("/dev/null", "discarded");
    expect(isCharacterDevice("/dev/null")).toBe(true);
  });

  it("writes to a FIFO that is being read, which stays a FIFO", async () => {
    const fifo = join(tempDir(), "pipe");
    makeFifo(fifo);
    const received = readFifo(fifo);
    await withFifoHeld(fifo, () => writeOutputText(fifo, "through the pipe"));
    expect((await received).toString()).toBe("through the pipe");
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("refuses a FIFO nobody reads instead of blocking forever", async () => {
    const dir = tempDir();
    const fifo = join(dir, "pipe");
    makeFifo(fifo);
    expect((await rejection(writeOutputText(fifo, "x"))).message).toMatch(/it is a FIFO and nothing is reading it/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(["pipe"]);
  });

  it.each(["/dev/zero", "/dev/full", "/dev/urandom"].filter((d) => existsSync(d)))("refuses %s: a device other than /dev/null or a terminal", async (device) => {
    expect((await rejection(writeOutputText(device, "x"))).message).toMatch(/is a device; convspec writes outputs only to regular files, FIFOs, \/dev\/null/);
    expect(isCharacterDevice(device)).toBe(true);
  });
});

describe("outputs that are inputs", () => {
  it("refuses the same file by any name: the path, another spelling, a symlink, a hard link", async () => {
    const dir = tempDir();
    const input = join(dir, "w.bin");
    writeFileSync(input, "precious");
    symlinkSync("w.bin", join(dir, "sym.bin"));
    linkSync(input, join(dir, "hard.bin"));
    mkdirSync(join(dir, "sub"));
    const inputs = new CommandInputs().add(input, "--weights");
    for (const alias of [input, join(dir, "sub", "..", "w.bin"), join(dir, "sym.bin"), join(dir, "hard.bin")]) {
      const error = await rejection(writeOutputText(alias, "x", { label: `--output ${alias}`, inputs }));
      expect(error.message).toBe(`--output ${alias} is the same file as --weights ${input}, an input of this command: writing it would destroy it; choose another output`);
      expect(() => checkOutputPath(alias, { label: "--output", inputs })).toThrow(UserError);
    }
    expect(readFileSync(input, "utf8")).toBe("precious");
    await writeOutputText(join(dir, "other.bin"), "fine", { inputs });
  });

  it("names spec sources: the spec, then each file reached through extends", () => {
    const dir = tempDir();
    for (const f of ["child.convspec", "parent.convspec"]) writeFileSync(join(dir, f), "x");
    const inputs = new CommandInputs().addSpec([join(dir, "child.convspec"), join(dir, "parent.convspec")]);
    expect(inputs.find(join(dir, "child.convspec"))?.what).toBe("the model spec");
    expect(inputs.find(join(dir, "parent.convspec"))?.what).toMatch(/a spec it extends/);
    expect(inputs.find(join(dir, "nope"))).toBeUndefined();
  });
});
