/**
 * Tiled matmul `out = act(operand @ W + bias)` for every `linear` in the IR.
 * A workgroup computes a TM x TN output tile; each invocation an RM x RN
 * register block (RN a multiple of 4: weights are vec4). K is walked in
 * TK-steps through shared memory, double-buffered: the next step's tiles are
 * stored while the current ones are read, one barrier per step. The tiling
 * is chosen per linear (flags.matmulTiles, flags.matmulTargetWorkgroups) so
 * that small matmuls still launch enough workgroups, and recorded in the
 * dispatch.
 *
 * It serves every form of `linear`:
 * - grouped: grid z = G; group g reads A's columns g*K.., the weight block
 *   W[g] (`[G, K, N]`) and writes columns g*N..;
 * - several segments: their weights are concatenated at upload into one
 *   `[K, N_total]` matrix; one dispatch writes every segment;
 * - fused operands, per run of segments: the plain input, the gated product
 *   `a ⊙ gate`, or the depthwise conv of `a` over the sequence, computed as
 *   the A tile is loaded and never stored. A workgroup's column tile lies in
 *   one run (runs start at multiples of TN), or each run gets its own dispatch.
 */
import { assertNever, type LinearOp, type LinearOperand, type Op } from "../../../ir/types.js";
import type { Activation } from "../../../spec/model-spec.js";
import type { LoweringContext, OpLowering } from "../context.js";
import type { MatmulTile } from "../flags.js";
import type { WeightBuffer } from "../plan.js";
import type { BindingDecl, Program } from "../program.js";
import { ShaderHelper } from "../shader-helpers.js";
import { constSize, evalSize, grid1, L_SIZE, type SizeExpr } from "../sizes.js";
import { rowsOf, vec4Aligned, type DraftRef, type View } from "../views.js";
import { tapRange } from "./taps.js";

/** How one run of columns forms its A operand. */
export type OperandLoad = { kind: "input" } | { kind: "gated" } | { kind: "depthwise"; kernelSize: number; masked: boolean };

export interface MatmulVariant {
  tile: MatmulTile;
  doubleBuffer: boolean;
  /** Operand of each column run, in column order (run i starts at uniform `run{i}_col`). */
  runs: readonly OperandLoad[];
  bias: boolean;
  activation: Activation | "none";
  /** A (and the gate) rows are 16-byte aligned and K % 4 == 0: load them as vec4. */
  vec4A: boolean;
  /** N and the column base are multiples of 4: load weight rows as vec4. */
  vec4W: boolean;
}

/** Uniforms: M rows; K, N per group (N of the whole packed weight); the dispatch's first column and width; views; L for the conv. */
const BASE_UNIFORMS = ["M", "K", "N", "col_base", "cols", "L", "a_off", "a_stride", "g_off", "g_stride", "mask_off", "out_off", "out_stride"] as const;
type MatmulUniform = (typeof BASE_UNIFORMS)[number] | `run${number}_col`;

const operandKey = (r: OperandLoad): string => (r.kind === "input" ? "i" : r.kind === "gated" ? "g" : `d${r.kernelSize}${r.masked ? "m" : ""}`);

export function matmulProgram(v: MatmulVariant): Program<MatmulUniform> {
  const { TM, TN, TK, RM, RN } = v.tile;
  if (RN % 4 !== 0) throw new Error(`matmul tile ${v.tile.name}: the register block must be a multiple of 4 columns wide`);
  const WX = TN / RN;
  const WY = TM / RM;
  const threads = WX * WY;
  const gated = v.runs.some((r) => r.kind === "gated");
  const depthwise = v.runs.flatMap((r, i) => (r.kind === "depthwise" ? [i] : []));
  const masked = v.runs.some((r) => r.kind === "depthwise" && r.masked);
  // Only plain and gated runs may load A as vec4; a depthwise run reads K taps per element.
  const vec4A = v.vec4A && depthwise.length === 0;
  const bindings: BindingDecl[] = [
    { name: "a", type: vec4A ? "vec4f" : "f32", access: "read" },
    ...(gated ? [{ name: "gate", type: vec4A ? "vec4f" : "f32", access: "read" } as const] : []),
    ...depthwise.map((i): BindingDecl => ({ name: `dw${i}`, type: "f32", access: "read" })),
    ...(masked ? [{ name: "mask", type: "f32", access: "read" } as const] : []),
    { name: "w", type: v.vec4W ? "vec4f" : "f32", access: "read" },
    ...(v.bias ? [{ name: "bias", type: "f32", access: "read" } as const] : []),
    { name: "out", type: "f32", access: "read_write" },
  ];
  const uniforms: MatmulUniform[] = [...BASE_UNIFORMS, ...v.runs.slice(1).map((_, i): MatmulUniform => `run${i + 1}_col`)];
  const helper = new ShaderHelper(uniforms, bindings);
  const buffers = v.doubleBuffer ? 2 : 1;
  const cacheKey =
    `matmul_${v.tile.name}${v.doubleBuffer ? "_db" : ""}_${v.runs.map(operandKey).join("")}` +
    `${v.bias ? "_bias" : ""}${v.activation === "none" ? "" : `_${v.activation}`}${vec4A ? "_a4" : ""}${v.vec4W ? "_w4" : ""}`;

  // One loader per run: the A element (row gr, column ac of A), formed as the run's operand says.
  const loaders = v.runs.map((run, i) => `fn load_a${i}(gr: u32, ac: u32) -> ${vec4A ? "vec4<f32>" : "f32"} {\n${operandBody(run, i, vec4A)}\n}`).join("\n\n");
  // The run a workgroup's columns lie in: the last whose first column is at or before col0.
  const runOf = v.runs.slice(1).reduce((expr, _, i) => `select(${expr}, ${i + 1}u, col0 >= u.run${i + 1}_col)`, "0u");
  // Branch, not select: select would evaluate every run's loader. `run` is uniform per workgroup.
  const dispatchLoad = `fn load_a(run: u32, gr: u32, ac: u32) -> ${vec4A ? "vec4<f32>" : "f32"} {
${v.runs
    .map((_, i) => (i === v.runs.length - 1 ? `  return load_a${i}(gr, ac);` : `  if (run == ${i}u) { return load_a${i}(gr, ac); }`))
    .join("\n")}
}`;
  const loadCall = (args: string) => `load_a(run, ${args})`;

  const storeA = vec4A
    ? `  for (var i = li; i < ${(TM * TK) / 4}u; i += ${threads}u) {
    let r = i / ${TK / 4}u;
    let c = (i % ${TK / 4}u) * 4u;
    let gr = row0 + r;
    var x = vec4<f32>(0.0);
    if (gr < u.M && k0 + c < u.K) { x = ${loadCall("gr, aBase + k0 + c")}; }
    tileA[buf][c][r] = x.x; tileA[buf][c + 1u][r] = x.y; tileA[buf][c + 2u][r] = x.z; tileA[buf][c + 3u][r] = x.w;
  }`
    : `  for (var i = li; i < ${TM * TK}u; i += ${threads}u) {
    let r = i / ${TK}u;
    let c = i % ${TK}u;
    let gr = row0 + r;
    var x = 0.0;
    if (gr < u.M && k0 + c < u.K) { x = ${loadCall("gr, aBase + k0 + c")}; }
    tileA[buf][c][r] = x;
  }`;
  const storeW = v.vec4W
    ? `  for (var i = li; i < ${(TK * TN) / 4}u; i += ${threads}u) {
    let r = i / ${TN / 4}u;
    let c = i % ${TN / 4}u;
    var x = vec4<f32>(0.0);
    if (k0 + r < u.K && col0 + c * 4u < colEnd) { x = w[(wBase + (k0 + r) * u.N + col0 + c * 4u) / 4u]; }
    tileW[buf][r][c] = x;
  }`
    : `  for (var i = li; i < ${(TK * TN) / 4}u; i += ${threads}u) {
    let r = i / ${TN / 4}u;
    let c = i % ${TN / 4}u;
    var x = vec4<f32>(0.0);
    if (k0 + r < u.K) {
      let base = wBase + (k0 + r) * u.N;
      for (var j = 0u; j < 4u; j++) {
        if (col0 + c * 4u + j < colEnd) { x[j] = w[base + col0 + c * 4u + j]; }
      }
    }
    tileW[buf][r][c] = x;
  }`;
  const epilogue = helper.activation(v.activation, "y");
  const body = `
var<workgroup> tileA: array<array<array<f32, ${TM}>, ${TK}>, ${buffers}>;
var<workgroup> tileW: array<array<array<vec4<f32>, ${TN / 4}>, ${TK}>, ${buffers}>;

${loaders}

${dispatchLoad}

/** Stores the K-step at k0 into shared buffer \`buf\`. */
fn store_tiles(buf: u32, k0: u32, li: u32, row0: u32, col0: u32, colEnd: u32, aBase: u32, wBase: u32, run: u32) {
${storeA}
${storeW}
}

@compute @workgroup_size(${WX}, ${WY}, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let group = wg.z;
  let row0 = wg.y * ${TM}u;
  let col0 = u.col_base + wg.x * ${TN}u;
  let colEnd = u.col_base + u.cols;
  let aBase = group * u.K;
  let wBase = group * u.K * u.N;
  let run = ${runOf};
  var acc: array<array<vec4<f32>, ${RN / 4}>, ${RM}>;
  let steps = (u.K + ${TK - 1}u) / ${TK}u;
  store_tiles(0u, 0u, li, row0, col0, colEnd, aBase, wBase, run);
  workgroupBarrier();
  for (var s = 0u; s < steps; s++) {
    let cur = ${v.doubleBuffer ? "s % 2u" : "0u"};
${v.doubleBuffer ? `    if (s + 1u < steps) { store_tiles(1u - cur, (s + 1u) * ${TK}u, li, row0, col0, colEnd, aBase, wBase, run); }\n` : ""}    for (var k = 0u; k < ${TK}u; k++) {
${Array.from({ length: RN / 4 }, (_, j) => `      let w${j} = tileW[cur][k][lid.x * ${RN / 4}u + ${j}u];`).join("\n")}
${Array.from({ length: RM }, (_, i) => `      let a${i} = vec4<f32>(tileA[cur][k][lid.y * ${RM}u + ${i}u]);\n` + Array.from({ length: RN / 4 }, (_, j) => `      acc[${i}][${j}] = fma(a${i}, w${j}, acc[${i}][${j}]);`).join("\n")).join("\n")}
    }
    workgroupBarrier();
${v.doubleBuffer ? "" : `    if (s + 1u < steps) { store_tiles(0u, (s + 1u) * ${TK}u, li, row0, col0, colEnd, aBase, wBase, run); }\n    workgroupBarrier();\n`}  }
  for (var i = 0u; i < ${RM}u; i++) {
    let gr = row0 + lid.y * ${RM}u + i;
    for (var j = 0u; j < ${RN}u; j++) {
      let gc = col0 + lid.x * ${RN}u + j;
      if (gr < u.M && gc < colEnd) {
        let outCol = group * u.N + gc;
        let y = acc[i][j / 4u][j % 4u]${v.bias ? " + bias[outCol]" : ""};
        out[u.out_off + gr * u.out_stride + outCol] = ${epilogue};
      }
    }
  }
}`;
  return {
    name: "matmul",
    cacheKey,
    workgroupSize: [WX, WY, 1],
    workgroupStorageBytes: buffers * (TM * TK + TK * TN) * 4,
    uniforms,
    bindings,
    getUserCode: () => helper.assemble(body),
  };
}

/** The WGSL body of `load_a<i>`: A[gr, ac] as the run's operand forms it. */
function operandBody(run: OperandLoad, i: number, vec4: boolean): string {
  const col = "ac";
  const at = (row: string) => (vec4 ? `(u.a_off + ${row} * u.a_stride + ${col}) / 4u` : `u.a_off + ${row} * u.a_stride + ${col}`);
  switch (run.kind) {
    case "input":
      return `  return a[${at("gr")}];`;
    case "gated": {
      const gateAt = vec4 ? `(u.g_off + gr * u.g_stride + ${col}) / 4u` : `u.g_off + gr * u.g_stride + ${col}`;
      return `  return a[${at("gr")}] * gate[${gateAt}];`;
    }
    case "depthwise": {
      const K = run.kernelSize;
      const fma = `acc = fma(dw${i}[c * ${K}u + u32(t)], a[u.a_off + (b * u.L + u32(src)) * u.a_stride + c], acc);`;
      return `  let b = gr / u.L;
  let l = i32(gr % u.L);
  let c = ${col};
  ${tapRange(K)}
  var acc = 0.0;
  for (var t = t_first; t < t_end; t++) {
    let src = l + t - ${(K - 1) / 2};
    ${run.masked ? `if (mask[u.mask_off + b * u.L + u32(src)] != 0.0) { ${fma} }` : fma}
  }
  return acc;`;
    }
    default:
      return assertNever(run, "operand load");
  }
}

/**
 * A `linear` -> its matmul dispatches: one when every run of equal operands
 * starts on a tile boundary (or there is one run), else one per run. Grid:
 * (columns / TN, M / TM, G).
 */
export const linearLowering: OpLowering<LinearOp> = {
  writesView: (op) => op.segments.length === 1,
  lower: (op, ctx) => lowerLinear(op, ctx, op),
};

/** Lowers `op`'s matmul; its dispatches are recorded as computing the IR op `owner` (`op` itself, or the norm it is a term of). */
export function lowerLinear(op: LinearOp, ctx: LoweringContext, owner: Op): void {
  {
    const G = op.groups;
    const K = op.inFeatures / G;
    const N = op.segments.reduce((sum, seg) => sum + seg.outFeatures, 0) / G;
    const a = ctx.viewOf(op.inputs[0]);
    const M = rowsOf(ctx.shape(op.inputs[0]));
    const weight = ctx.addWeight(packedWeight(op, N * G));
    const biasBuffer = packedBias(op, N * G);
    const bias = biasBuffer ? ctx.addWeight(biasBuffer) : null;
    const out = segmentsOutput(op, N * G, ctx);
    const runs = operandRuns(op);
    const tile = chooseTile(ctx, M, N, G);
    const aligned = runs.every((r) => r.col % tile.TN === 0);
    const groups = aligned ? [runs] : runs.map((r) => [r]);
    for (const dispatchRuns of groups) {
      const colBase = dispatchRuns[0].col;
      const cols = dispatchRuns.reduce((n, r) => n + r.cols, 0);
      const gate = dispatchRuns.find((r) => r.operand.kind === "gated");
      const gateView = gate && gate.operand.kind === "gated" ? ctx.viewOf(op.inputs[gate.operand.gate]) : null;
      const maskRun = dispatchRuns.find((r) => r.operand.kind === "depthwise_conv" && r.operand.mask !== null);
      const mask = maskRun && maskRun.operand.kind === "depthwise_conv" && maskRun.operand.mask !== null ? ctx.viewOf(op.inputs[maskRun.operand.mask]) : null;
      const dwBindings: DraftRef[] = dispatchRuns.flatMap((r) => (r.operand.kind === "depthwise_conv" ? [ctx.paramView(r.operand.weight).buffer] : []));
      const vec4A = K % 4 === 0 && vec4Aligned(a) && (!gateView || vec4Aligned(gateView));
      const program = matmulProgram({
        tile,
        doubleBuffer: ctx.flags.matmulDoubleBuffer,
        runs: dispatchRuns.map((r) => operandLoad(r.operand)),
        bias: !!bias,
        activation: op.activation,
        vec4A,
        vec4W: N % 4 === 0 && colBase % 4 === 0,
      });
      const runCols = Object.fromEntries(dispatchRuns.slice(1).map((r, i) => [`run${i + 1}_col`, constSize(r.col)]));
      ctx.dispatch(owner, {
        program,
        choice: `tile ${tile.name}`,
        bindings: [a.buffer, ...(gateView ? [gateView.buffer] : []), ...dwBindings, ...(mask ? [mask.buffer] : []), weight, ...(bias ? [bias] : []), out.buffer],
        uniforms: {
          M, K: constSize(K), N: constSize(N), col_base: constSize(colBase), cols: constSize(cols), L: L_SIZE,
          a_off: constSize(a.offset), a_stride: a.stride, g_off: constSize(gateView?.offset ?? 0), g_stride: gateView?.stride ?? constSize(0),
          mask_off: constSize(mask?.offset ?? 0), out_off: constSize(out.offset), out_stride: out.stride, ...runCols,
        },
        grid: [grid1(constSize(cols), tile.TN), grid1(M, tile.TM), grid1(constSize(G))],
      });
    }
  }
}

const operandLoad = (operand: LinearOperand): OperandLoad =>
  operand.kind === "depthwise_conv" ? { kind: "depthwise", kernelSize: operand.kernelSize, masked: operand.mask !== null } : { kind: operand.kind };

/** Runs of consecutive segments with equal operands: their first packed column (per group) and width. */
function operandRuns(op: LinearOp): { operand: LinearOperand; col: number; cols: number }[] {
  const runs: { operand: LinearOperand; col: number; cols: number }[] = [];
  let col = 0;
  for (const seg of op.segments) {
    const width = seg.outFeatures / op.groups;
    const last = runs.at(-1);
    if (last && JSON.stringify(last.operand) === JSON.stringify(seg.operand)) last.cols += width;
    else runs.push({ operand: seg.operand, col, cols: width });
    col += width;
  }
  return runs;
}

/**
 * The largest candidate tiling whose grid, at the plan's reference shape,
 * still has `matmulTargetWorkgroups` workgroups; else the smallest (the
 * output then has fewer tiles than the target at any tiling).
 */
export function chooseTile(ctx: LoweringContext, M: SizeExpr, N: number, G: number): MatmulTile {
  const { matmulTiles, matmulTargetWorkgroups } = ctx.flags;
  const rows = evalSize(M, ctx.reference.B, ctx.reference.L);
  const workgroups = (t: MatmulTile) => Math.ceil(rows / t.TM) * Math.ceil(N / t.TN) * G;
  return matmulTiles.find((t) => workgroups(t) >= matmulTargetWorkgroups) ?? matmulTiles[matmulTiles.length - 1];
}

/** One output: where it is written. Several: one buffer, each segment a column range of it. */
function segmentsOutput(op: LinearOp, N: number, ctx: LoweringContext): View {
  if (op.segments.length === 1) return ctx.outputView(op.outputs[0]);
  const out = ctx.newRoot(op.outputs.join("+"), rowsOf(ctx.shape(op.outputs[0])), N);
  let offset = 0;
  op.segments.forEach((seg, i) => {
    ctx.setView(op.outputs[i], { ...out, offset, cols: seg.outFeatures });
    offset += seg.outFeatures;
  });
  return out;
}

/** `[in, N]` (segments side by side, transposed from HF `[out, in]`) or the grouped `[G, in/G, out/G]` as is. */
export function packedWeight(op: Pick<LinearOp, "id" | "groups" | "inFeatures" | "segments">, N: number): WeightBuffer {
  const name = `packed/${op.id}/weight`;
  if (op.groups > 1) {
    if (op.segments.length !== 1) throw new Error(`${op.id}: a grouped linear with several segments is not supported`);
    return { name, elements: (op.inFeatures * N) / op.groups, pieces: [{ param: op.segments[0].weight, dstOffset: 0, transpose: null }] };
  }
  let col = 0;
  const pieces = op.segments.map((seg) => {
    const piece = { param: seg.weight, dstOffset: col, transpose: { rows: seg.outFeatures, cols: op.inFeatures, dstRowStride: N } };
    col += seg.outFeatures;
    return piece;
  });
  return { name, elements: op.inFeatures * N, pieces };
}

/** The segments' biases side by side (`[N]`), or null when no segment has one. */
export function packedBias(op: Pick<LinearOp, "id" | "segments">, N: number): WeightBuffer | null {
  if (op.segments.every((s) => s.bias === null)) return null;
  let col = 0;
  const pieces = op.segments.flatMap((seg) => {
    const at = col;
    col += seg.outFeatures;
    return seg.bias === null ? [] : [{ param: seg.bias, dstOffset: at, transpose: null }];
  });
  return { name: `packed/${op.id}/bias`, elements: N, pieces };
}
