/**
 * `inputs.json` -> ModelInputs, validated against the model:
 * `{"input_ids": [[...]], "attention_mask": [[...]], "token_type_ids": [[...]]}`.
 * The last two are optional (all ones / all zeros). Every mistake names the
 * file, the field and the offending row/column, because a bad id silently
 * gathering a wrong embedding row is far worse than an error.
 */
import { UserError } from "../compiler/errors.js";
import { inputLimits, type Graph, type InputLimits } from "../compiler/ir/types.js";
import { escapeControl, previewJson } from "../compiler/io/preview.js";
import { FILE_KINDS, readRegularText } from "../compiler/io/read-file.js";
import type { ModelInputs } from "./executor.js";

export type { InputLimits } from "../compiler/ir/types.js";

export function readInputsJson(path: string, graph: Graph): ModelInputs {
  const text = readRegularText(path, FILE_KINDS.inputs);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  return inputsFromJson(json, limitsOf(graph), path);
}

export function limitsOf(graph: Graph): InputLimits {
  return inputLimits(graph.spec);
}

/** Validates a parsed inputs object; `source` names it in errors. */
export function inputsFromJson(json: unknown, limits: InputLimits, source: string): ModelInputs {
  const fail = (what: string): never => {
    throw new UserError(`${source}: ${what}`);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail("expected an object with 'input_ids'");
  const fields = json as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!["input_ids", "attention_mask", "token_type_ids"].includes(key)) {
      fail(`unknown field '${escapeControl(key)}' (expected input_ids, attention_mask, token_type_ids)`);
    }
  }
  if (fields.input_ids === undefined) fail("missing 'input_ids'");
  const ids = matrix(fields.input_ids, "input_ids", undefined, fail);
  const batch = ids.length;
  const seqLen = ids[0].length;
  if (seqLen > limits.maxPositions) {
    fail(`sequence length ${seqLen} exceeds the model's max_position_embeddings (${limits.maxPositions})`);
  }
  const mask = fields.attention_mask === undefined ? null : matrix(fields.attention_mask, "attention_mask", [batch, seqLen], fail);
  const types = fields.token_type_ids === undefined ? null : matrix(fields.token_type_ids, "token_type_ids", [batch, seqLen], fail);

  const inputs: ModelInputs = {
    batch,
    seqLen,
    inputIds: new Int32Array(batch * seqLen),
    attentionMask: new Float32Array(batch * seqLen).fill(1),
    tokenTypeIds: new Int32Array(batch * seqLen),
  };
  for (let b = 0; b < batch; b++) {
    for (let l = 0; l < seqLen; l++) {
      const at = `[${b}][${l}]`;
      const i = b * seqLen + l;
      inputs.inputIds[i] = inRange(ids[b][l], limits.vocabSize, `input_ids${at}`, "vocab_size", fail);
      if (types) inputs.tokenTypeIds[i] = inRange(types[b][l], limits.typeVocabSize, `token_type_ids${at}`, "type_vocab_size", fail);
      if (mask) {
        const m = mask[b][l];
        if (m !== 0 && m !== 1) fail(`attention_mask${at} is ${m}; expected 0 or 1`);
        inputs.attentionMask[i] = m;
      }
    }
  }
  return inputs;
}

function matrix(value: unknown, name: string, shape: [number, number] | undefined, fail: (what: string) => never): number[][] {
  if (!Array.isArray(value) || value.length === 0) fail(`'${name}' must be a non-empty list of rows ([batch][seq_len])`);
  const rows = value as unknown[];
  const width = shape ? shape[1] : Array.isArray(rows[0]) ? rows[0].length : -1;
  if (shape && rows.length !== shape[0]) fail(`'${name}' has ${rows.length} rows but input_ids has ${shape[0]}`);
  rows.forEach((row, b) => {
    if (!Array.isArray(row)) fail(`'${name}'[${b}] is not a list`);
    const cells = row as unknown[];
    if (cells.length === 0) fail(`'${name}'[${b}] is empty`);
    if (cells.length !== width) {
      fail(`'${name}' is not rectangular: row ${b} has ${cells.length} entries, expected ${width}${shape ? " (as input_ids)" : ""}`);
    }
    cells.forEach((cell, l) => {
      if (typeof cell !== "number" || !Number.isInteger(cell)) fail(`'${name}'[${b}][${l}] is ${previewJson(cell)}; expected an integer`);
    });
  });
  return rows as number[][];
}

function inRange(value: number, size: number, where: string, limitName: string, fail: (what: string) => never): number {
  if (value < 0 || value >= size) fail(`${where} is ${value}, outside 0..${size - 1} (${limitName} ${size})`);
  return value;
}

/**
 * Checks inputs built in code rather than read from inputs.json, before an
 * executor runs them: an out-of-range id would silently gather a wrong row
 * (tfjs) or read outside an embedding table (WebGPU).
 */
export function checkModelInputs(x: ModelInputs, limits: InputLimits): void {
  const n = x.batch * x.seqLen;
  if (x.inputIds.length !== n || x.attentionMask.length !== n || x.tokenTypeIds.length !== n) {
    throw new UserError(`inputs must have batch*seqLen = ${n} elements each`);
  }
  if (x.seqLen > limits.maxPositions) throw new UserError(`sequence length ${x.seqLen} exceeds max_position_embeddings (${limits.maxPositions})`);
  const at = (i: number) => `[${Math.floor(i / x.seqLen)}][${i % x.seqLen}]`;
  const bad = (ids: Int32Array, limit: number) => ids.findIndex((id) => id < 0 || id >= limit);
  const id = bad(x.inputIds, limits.vocabSize);
  if (id >= 0) throw new UserError(`input_ids${at(id)} = ${x.inputIds[id]} is outside the vocabulary (0..${limits.vocabSize - 1})`);
  const tt = bad(x.tokenTypeIds, limits.typeVocabSize);
  if (tt >= 0) throw new UserError(`token_type_ids${at(tt)} = ${x.tokenTypeIds[tt]} is outside 0..${limits.typeVocabSize - 1}`);
}

/** Refuses a request for outputs the artifact was not compiled for (names are user strings: no prototype lookups). */
export function checkRequestedOutputs(requested: readonly string[], compiled: Readonly<Record<string, string>>, model: string): void {
  const missing = requested.filter((name) => !Object.hasOwn(compiled, name));
  if (missing.length > 0) {
    throw new UserError(`output(s) ${missing.join(", ")} of model '${model}' were not compiled into this plan; it computes ${Object.keys(compiled).join(", ")}`);
  }
}
