struct Uniforms {
  M: u32,
  L: u32,
  A: u32,
  C: u32,
  a_off: u32,
  a_stride: u32,
  g_off: u32,
  g_stride: u32,
  u_off: u32,
  u_stride: u32,
  mask_off: u32,
  out_off: u32,
  out_stride: u32,
};
@group(0) @binding(0) var<uniform> u: Uniforms;

@group(0) @binding(1) var<storage, read> a: array<f32>;

@group(0) @binding(2) var<storage, read> gate: array<f32>;

@group(0) @binding(3) var<storage, read> w: array<f32>;

@group(0) @binding(4) var<storage, read> bias: array<f32>;

@group(0) @binding(5) var<storage, read> values: array<f32>;

@group(0) @binding(6) var<storage, read_write> out: array<f32>;

var<workgroup> staged: array<array<f32, 64>, 8>;
var<workgroup> logits: array<f32, 80>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let c0 = wg.x * 64u;
  let r0 = wg.y * 8u;
  let h0 = c0 / 8u;
  var acc: array<f32, 2>;
  // Kernel logits of (row, head, tap) for the tile's rows and heads.
  for (var a0 = 0u; a0 < u.A; a0 += 64u) {
    for (var i = li; i < 512u; i += 64u) {
      let r = i / 64u;
      let c = i % 64u;
      let gr = r0 + r;
      var x = 0.0;
      if (gr < u.M && a0 + c < u.A) { x = a[u.a_off + gr * u.a_stride + a0 + c] * gate[u.g_off + gr * u.g_stride + a0 + c]; }
      staged[r][c] = x;
    }
    workgroupBarrier();
    let n = min(64u, u.A - a0);
    for (var j = 0u; j < 2u; j++) {
      let idx = li + j * 64u;
      let h = h0 + (idx % 10u) / 5u;
      if (idx < 80u && h < 2u) {
        let r = idx / 10u;
        let wRow = (h * 5u + idx % 5u) * u.A + a0;
        var dot = 0.0;
        for (var c = 0u; c < n; c++) { dot = fma(staged[r][c], w[wRow + c], dot); }
        acc[j] += dot;
      }
    }
    workgroupBarrier();
  }
  for (var j = 0u; j < 2u; j++) {
    let idx = li + j * 64u;
    let h = h0 + (idx % 10u) / 5u;
    if (idx < 80u && h < 2u) { logits[idx] = acc[j] + bias[h * 5u + idx % 5u]; }
  }
  workgroupBarrier();
  // The dynamic conv of each row over the tile's channels.
  let c = c0 + li;
  if (c >= u.C) { return; }
  let hl = c / 8u - h0;
  for (var r = 0u; r < 8u; r++) {
    let row = r0 + r;
    if (row >= u.M) { break; }
    let g = (r * 2u + hl) * 5u;
    let b = row / u.L;
    let l = i32(row % u.L);
    var peak = logits[g + 0u];
    for (var t = 1u; t < 5u; t++) { peak = max(peak, logits[g + t]); }
    var taps: array<f32, 5>;
    var total = 0.0;
    for (var t = 0u; t < 5u; t++) { taps[t] = exp(logits[g + t] - peak); total += taps[t]; }
    let t_first = max(0, 2 - l);
    let t_end = min(5, i32(u.L) + 2 - l);
    var sum = 0.0;
    for (var t = t_first; t < t_end; t++) {
      let src = l + t - 2;
      sum = fma(taps[t], values[u.u_off + (b * u.L + u32(src)) * u.u_stride + c], sum);
    }
    out[u.out_off + row * u.out_stride + c] = sum / total;
  }
}
