struct Uniforms {
  L: u32,
  q_off: u32,
  q_stride: u32,
  k_off: u32,
  k_stride: u32,
  v_off: u32,
  v_stride: u32,
  mask_off: u32,
  out_off: u32,
  out_stride: u32,
};
@group(0) @binding(0) var<uniform> u: Uniforms;

@group(0) @binding(1) var<storage, read> q: array<f32>;

@group(0) @binding(2) var<storage, read> k: array<f32>;

@group(0) @binding(3) var<storage, read> v: array<f32>;

@group(0) @binding(4) var<storage, read> mask: array<f32>;

@group(0) @binding(5) var<storage, read_write> out: array<f32>;

var<workgroup> keys: array<array<f32, 8>, 16>;
var<workgroup> vals: array<array<f32, 8>, 16>;
var<workgroup> parts: array<array<f32, 16>, 32>;

@compute @workgroup_size(32, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let b = wg.z;
  let head = wg.y * 8u;
  let qi = li / 4u;
  let d0 = (li % 4u) * 2u;
  let l = wg.x * 8u + qi;
  let valid = l < u.L;
  var query: array<f32, 2>;
  var acc: array<f32, 2>;
  if (valid) {
    let base = u.q_off + (b * u.L + l) * u.q_stride + head + d0;
    for (var j = 0u; j < 2u; j++) { query[j] = q[base + j] * 0.3535533845424652; }
  }
  var runningMax = -3.4028234663852886e+38;
  var denom = 0.0;
  var scores: array<f32, 16>;
  for (var k0 = 0u; k0 < u.L; k0 += 16u) {
    for (var i = li; i < 128u; i += 32u) {
      let r = i / 8u;
      let c = i % 8u;
      let key = k0 + r;
      var kx = 0.0;
      var vx = 0.0;
      if (key < u.L) {
        kx = k[u.k_off + (b * u.L + key) * u.k_stride + head + c];
        vx = v[u.v_off + (b * u.L + key) * u.v_stride + head + c];
      }
      keys[r][c] = kx;
      vals[r][c] = vx;
    }
    workgroupBarrier();
    let n = min(16u, u.L - k0);
    for (var r = 0u; r < 16u; r++) {
      var s = 0.0;
      for (var j = 0u; j < 2u; j++) { s = fma(query[j], keys[r][d0 + j], s); }

      parts[li][r] = s;
    }
    workgroupBarrier();
    for (var r = 0u; r < 16u; r++) {
      var s = 0.0;
      for (var t = 0u; t < 4u; t++) { s += parts[qi * 4u + t][r]; }
      scores[r] = s;
    }
    if (valid) {
      for (var r = 0u; r < n; r++) {
        var score = scores[r];
        if (mask[u.mask_off + b * u.L + k0 + r] == 0.0) { score += -3.4028234663852886e+38; }
        let newMax = max(runningMax, score);
        let correction = exp(runningMax - newMax);
        let p = exp(score - newMax);
        denom = denom * correction + p;
        for (var j = 0u; j < 2u; j++) { acc[j] = acc[j] * correction + p * vals[r][d0 + j]; }
        runningMax = newMax;
      }
    }
    workgroupBarrier();
  }
  if (valid) {
    let base = u.out_off + (b * u.L + l) * u.out_stride + head + d0;
    for (var j = 0u; j < 2u; j++) { out[base + j] = acc[j] / denom; }
  }
}
