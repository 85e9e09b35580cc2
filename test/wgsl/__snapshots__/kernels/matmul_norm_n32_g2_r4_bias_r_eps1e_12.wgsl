struct Uniforms {
  M: u32,
  K: u32,
  L: u32,
  a_off: u32,
  a_stride: u32,
  out_off: u32,
  out_stride: u32,
  t0_off: u32,
  t0_stride: u32,
};
@group(0) @binding(0) var<uniform> u: Uniforms;

@group(0) @binding(1) var<storage, read> a: array<f32>;

@group(0) @binding(2) var<storage, read> w: array<vec4<f32>>;

@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;

@group(0) @binding(4) var<storage, read> t0: array<f32>;

@group(0) @binding(5) var<storage, read> gamma: array<vec4<f32>>;

@group(0) @binding(6) var<storage, read> beta: array<vec4<f32>>;

@group(0) @binding(7) var<storage, read_write> out: array<f32>;

var<workgroup> tileA: array<array<array<f32, 32>, 4>, 2>;

var<workgroup> partial: array<f32, 8>;

fn reduce_sum(li: u32, x: f32) -> f32 {
  partial[li] = x;
  workgroupBarrier();
  var total = 0.0;
  for (var i = 0u; i < 8u; i++) { total += partial[i]; }
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(8, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let row0 = wg.x * 4u;
  let col = li * 4u;
  let group = col / 16u;
  let wBase = group * u.K * 16u + (col - group * 16u);
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < u.K; k0 += 32u) {
    for (var i = li; i < 256u; i += 8u) {
      let g = i / 128u;
      let r = (i / 32u) % 4u;
      let c = i % 32u;
      let gr = row0 + r;
      var x = 0.0;
      if (gr < u.M && k0 + c < u.K) { x = a[u.a_off + gr * u.a_stride + g * u.K + k0 + c]; }
      tileA[g][r][c] = x;
    }
    workgroupBarrier();
    let n = min(32u, u.K - k0);
    for (var k = 0u; k < n; k++) {
      let wv = w[(wBase + (k0 + k) * 16u) / 4u];
      for (var r = 0u; r < 4u; r++) { acc[r] = fma(vec4<f32>(tileA[group][r][k]), wv, acc[r]); }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let row = row0 + r;
    let valid = row < u.M;
    // Rows past M still take part in the reductions (every invocation must reach the barriers).
    let safeRow = select(0u, row, valid);
    let src0 = u.t0_off + (safeRow) * u.t0_stride;
    let y = acc[r] + bias[li] + vec4<f32>(t0[src0 + col + 0u], t0[src0 + col + 1u], t0[src0 + col + 2u], t0[src0 + col + 3u]);
    let mean = reduce_sum(li, select(0.0, y.x + y.y + y.z + y.w, valid)) / 32.0;
    let d = y - vec4<f32>(mean);
    let inv = 1.0 / sqrt(reduce_sum(li, select(0.0, dot(d, d), valid)) / 32.0 + 1e-12);
    if (valid) {
      let normed = d * inv * gamma[li] + beta[li];
      let o = u.out_off + row * u.out_stride + col;
      out[o] = normed.x; out[o + 1u] = normed.y; out[o + 2u] = normed.z; out[o + 3u] = normed.w;
    }
  }
}
