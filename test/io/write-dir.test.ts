/** `compile -o DIR` replaces exactly what convspec wrote there (the manifest), never other files. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../compiler/errors.js";
import { CommandInputs } from "../../compiler/io/input-files.js";
import { MANIFEST_NAME, writeOutputDir } from "../../compiler/io/write-dir.js";
import { goldenDir } from "../helpers/golden.js";
import { cli, STACK_FRAME, tempDir } from "./helpers.js";

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));
const manifestOf = (dir: string) => (JSON.parse(readFileSync(join(dir, MANIFEST_NAME), "utf8")) as { files: string[] }).files;

describe("writeOutputDir", () => {
  it("creates the folder, writes the files and a manifest listing them", async () => {
    const dir = join(tempDir(), "new", "bundle");
    const result = await writeOutputDir(dir, files({ "a.wgsl": "A", "plan.json": "{}" }));
    expect(readdirSync(dir).sort()).toEqual(["a.wgsl", MANIFEST_NAME, "plan.json"].sort());
    expect(manifestOf(dir)).toEqual(["a.wgsl", "plan.json"]);
    expect(result).toEqual({ written: ["a.wgsl", "plan.json"], removed: [] });
  });

  it("replaces its own files, removes stale ones and leaves files it did not write alone", async () => {
    const dir = tempDir();
    await writeOutputDir(dir, files({ "old.wgsl": "1", "kept.wgsl": "1", "plan.json": "1" }));
    writeFileSync(join(dir, "notes.txt"), "mine");
    mkdirSync(join(dir, "data"));
    const result = await writeOutputDir(dir, files({ "kept.wgsl": "2", "new.wgsl": "2", "plan.json": "2" }));
    expect(result.removed).toEqual(["old.wgsl"]);
    expect(readdirSync(dir).sort()).toEqual(["data", "kept.wgsl", MANIFEST_NAME, "new.wgsl", "notes.txt", "plan.json"].sort());
    expect(readFileSync(join(dir, "kept.wgsl"), "utf8")).toBe("2");
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
    expect(manifestOf(dir)).toEqual(["kept.wgsl", "new.wgsl", "plan.json"]);
  });

  it("refuses to replace a file convspec did not write, writing nothing", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.json"), "my own plan");
    await expect(writeOutputDir(dir, files({ "a.wgsl": "A", "plan.json": "{}" }))).rejects.toThrow(
      `${join(dir, "plan.json")} exists and convspec did not write it (${join(dir, MANIFEST_NAME)} does not list it); move it away or choose another folder`,
    );
    expect(readdirSync(dir)).toEqual(["plan.json"]);
    expect(readFileSync(join(dir, "plan.json"), "utf8")).toBe("my own plan");
  });

  it("refuses to write over one of the command's inputs, even one it wrote before", async () => {
    const dir = tempDir();
    await writeOutputDir(dir, files({ "plan.json": "1" }));
    const inputs = new CommandInputs().add(join(dir, "plan.json"), "the spec");
    await expect(writeOutputDir(dir, files({ "plan.json": "2" }), { inputs })).rejects.toThrow(/plan\.json: it is the spec, an input of this command/);
    expect(readFileSync(join(dir, "plan.json"), "utf8")).toBe("1");
  });

  it.each([
    ["not JSON", "{"],
    ["another format", JSON.stringify({ format: "x", files: [] })],
    ["a name outside the folder", JSON.stringify({ format: "convspec-manifest/1", files: ["../../etc/passwd"] })],
  ])("refuses a manifest that is %s", async (_name, text) => {
    const dir = tempDir();
    writeFileSync(join(dir, MANIFEST_NAME), text);
    await expect(writeOutputDir(dir, files({ "a.wgsl": "A" }))).rejects.toThrow(UserError);
    expect(readdirSync(dir)).toEqual([MANIFEST_NAME]);
  });

  it("refuses a folder path that is a file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "f"), "x");
    await expect(writeOutputDir(join(dir, "f"), files({ "a.wgsl": "A" }))).rejects.toThrow(/exists and is not a folder/);
    await expect(writeOutputDir(join(dir, "f", "sub"), files({ "a.wgsl": "A" }))).rejects.toThrow(/cannot create output directory .*: .*\/f is a file, not a folder/);
  });
});

describe("convspec compile --target wgsl -o DIR", () => {
  const config = resolve(goldenDir, "tiny-mixed/config.json");
  const other = resolve(goldenDir, "tiny-grouped-proj/config.json"); // kernel 7 where tiny-mixed has 9
  const kernels = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".wgsl")).sort();

  it("over a previous compile: stale kernels removed, the user's files kept", async () => {
    const dir = tempDir();
    expect((await cli("compile", config, "--target", "wgsl", "-o", dir)).code).toBe(0);
    const first = kernels(dir);
    writeFileSync(join(dir, "README.txt"), "my notes");
    const r = await cli("compile", other, "--target", "wgsl", "-o", dir);
    expect(r.code).toBe(0);
    const second = kernels(dir);
    const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as { kernels: { name: string }[] };
    expect(second).toEqual(plan.kernels.map((k) => `${k.name}.wgsl`).sort());
    // The first compile's kernels that the second does not use (kernel size 9 vs 7) are gone.
    const stale = first.filter((k) => !second.includes(k));
    expect(stale.length).toBeGreaterThan(0);
    for (const k of stale) expect(readdirSync(dir)).not.toContain(k);
    expect(readdirSync(dir).sort()).toEqual([...second, "README.txt", MANIFEST_NAME, "plan.json", "run-plan.js"].sort());
    expect(readFileSync(join(dir, "README.txt"), "utf8")).toBe("my notes");
  });

  it("refuses a folder holding a plan.json it did not write", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.json"), "someone else's");
    const r = await cli("compile", config, "--target", "wgsl", "-o", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("exists and convspec did not write it");
    expect(readdirSync(dir)).toEqual(["plan.json"]);
  });

  it("refuses to write over its own spec", async () => {
    const dir = tempDir();
    const spec = join(dir, "plan.json");
    writeFileSync(spec, JSON.stringify({ ...JSON.parse(readFileSync(config, "utf8")) }));
    const before = readFileSync(spec, "utf8");
    const r = await cli("compile", spec, "--target", "wgsl", "-o", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot write ${spec}: it is the spec, an input of this command`);
    expect(readFileSync(spec, "utf8")).toBe(before);
    expect(readdirSync(dir)).toEqual(["plan.json"]);
  });

  it("-o naming a file, or a path through a file: a clean error, nothing written", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "file"), "x");
    for (const out of [join(dir, "file"), join(dir, "file", "bundle")]) {
      const r = await cli("compile", config, "--target", "wgsl", "-o", out);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: (cannot write the WGSL bundle to .*exists and is not a folder|cannot create output directory .*\/file is a file, not a folder)\n$/);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
    expect(readFileSync(join(dir, "file"), "utf8")).toBe("x");
    expect(existsSync(join(dir, "file", "bundle"))).toBe(false);
  });
});
