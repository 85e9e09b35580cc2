/**
 * Sharded Hugging Face checkpoints: `model.safetensors.index.json` holds
 * `{"metadata": {...}, "weight_map": {tensor: shard file}}`, the shards sit
 * beside it. The weight map is authoritative: every tensor it names must be
 * in the shard it names, and shard names are plain file names (an index must
 * not make convspec read files outside its folder).
 */
import { dirname, join } from "node:path";
import { UserError } from "../../compiler/errors.js";
import { escapeControl, previewJson } from "../../compiler/io/preview.js";
import { FILE_KINDS, readRegularText } from "../../compiler/io/read-file.js";

export interface Shard {
  /** As written in the weight map. */
  name: string;
  path: string;
  /** Tensors the weight map puts in this shard. */
  tensors: string[];
}

export interface ShardIndex {
  path: string;
  /** The index and every shard. */
  files: string[];
  metadata: Record<string, string>;
  shards: Shard[];
  /** Joins what was read from each shard, checking it against the weight map. */
  merge<T, U>(parts: readonly { shard: Shard; tensors: ReadonlyMap<string, T>; unsupported: ReadonlyMap<string, U> }[]): {
    path: string;
    metadata: Record<string, string>;
    tensors: Map<string, T>;
    unsupported: Map<string, U>;
  };
}

export function isShardIndex(path: string): boolean {
  return path.endsWith(".index.json");
}

export function readShardIndex(path: string): ShardIndex {
  const fail = (what: string): never => {
    throw new UserError(`${path}: ${what}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(readRegularText(path, { what: "shard index", maxBytes: FILE_KINDS.json.maxBytes }));
  } catch (e) {
    if (e instanceof UserError) throw e;
    return fail(`not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail('expected an object with "weight_map"');
  const { weight_map: weightMap, metadata: rawMetadata } = json as Record<string, unknown>;
  if (typeof weightMap !== "object" || weightMap === null || Array.isArray(weightMap)) fail('"weight_map" must be an object {tensor: shard file}');
  const byShard = new Map<string, string[]>();
  for (const [tensor, shard] of Object.entries(weightMap as Record<string, unknown>)) {
    if (typeof shard !== "string" || !isPlainName(shard)) {
      fail(`weight_map puts '${escapeControl(tensor)}' in ${previewJson(shard)}: shards must be plain file names beside the index`);
    }
    const list = byShard.get(shard as string) ?? [];
    list.push(tensor);
    byShard.set(shard as string, list);
  }
  if (byShard.size === 0) fail("weight_map is empty");
  const metadata: Record<string, string> = {};
  if (typeof rawMetadata === "object" && rawMetadata !== null && !Array.isArray(rawMetadata)) {
    for (const [k, v] of Object.entries(rawMetadata)) if (typeof v !== "object") metadata[k] = String(v);
  }
  const shards = [...byShard].map(([name, tensors]) => ({ name, path: join(dirname(path), name), tensors }));

  return {
    path,
    files: [path, ...shards.map((s) => s.path)],
    metadata,
    shards,
    merge(parts) {
      const tensors = new Map();
      const unsupported = new Map();
      for (const { shard, tensors: found, unsupported: other } of parts) {
        for (const name of shard.tensors) {
          if (found.has(name)) tensors.set(name, found.get(name));
          else if (other.has(name)) unsupported.set(name, other.get(name));
          else fail(`weight_map puts '${escapeControl(name)}' in ${shard.name}, which has no such tensor`);
        }
      }
      return { path, metadata, tensors, unsupported };
    },
  };
}

function isPlainName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !/[/\\\0]/.test(name);
}
