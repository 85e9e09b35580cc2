struct Uniforms {
  L: u32,
  C: u32,
  out_off: u32,
  out_stride: u32,
  t0_off: u32,
  t0_stride: u32,
};
@group(0) @binding(0) var<uniform> u: Uniforms;

@group(0) @binding(1) var<storage, read> t0: array<f32>;

@group(0) @binding(2) var<storage, read> gamma: array<f32>;

@group(0) @binding(3) var<storage, read> beta: array<f32>;

@group(0) @binding(4) var<storage, read_write> out: array<f32>;

var<workgroup> partial: array<f32, 64>;

fn reduce_sum(li: u32, x: f32) -> f32 {
  partial[li] = x;
  workgroupBarrier();
  var total = 0.0;
  for (var i = 0u; i < 64u; i++) { total += partial[i]; }
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let row = wg.x;
  let src0 = u.t0_off + (row) * u.t0_stride;
  var sum = 0.0;
  for (var c = li; c < u.C; c += 64u) { sum += t0[src0 + c]; }
  let mean = reduce_sum(li, sum) / f32(u.C);
  var sq = 0.0;
  for (var c = li; c < u.C; c += 64u) { let d = t0[src0 + c] - mean; sq += d * d; }
  let inv = 1.0 / sqrt(reduce_sum(li, sq) / f32(u.C) + 1e-12);
  for (var c = li; c < u.C; c += 64u) {
    out[u.out_off + row * u.out_stride + c] = (t0[src0 + c] - mean) * inv * gamma[c] + beta[c];
  }
}
