struct Uniforms {
  L: u32,
  C: u32,
  g_off: u32,
  g_stride: u32,
  u_off: u32,
  u_stride: u32,
  mask_off: u32,
  out_off: u32,
  out_stride: u32,
};
@group(0) @binding(0) var<uniform> u: Uniforms;

@group(0) @binding(1) var<storage, read> logits: array<f32>;

@group(0) @binding(2) var<storage, read> values: array<f32>;

@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let row = gid.y;
  if (c >= u.C) { return; }
  let b = row / u.L;
  let l = i32(row % u.L);
  let g = u.g_off + row * u.g_stride + (c / 8u) * 5u;
  var taps: array<f32, 5>;
  var peak = logits[g];
  for (var t = 1u; t < 5u; t++) { peak = max(peak, logits[g + t]); }
  var total = 0.0;
  for (var t = 0u; t < 5u; t++) { taps[t] = exp(logits[g + t] - peak); total += taps[t]; }
  var acc = 0.0;
  for (var t = 0; t < 5; t++) {
    let src = l + t - 2;
    if (src >= 0 && src < i32(u.L)) {
      acc = fma(taps[t], values[u.u_off + (b * u.L + u32(src)) * u.u_stride + c], acc);
    }
  }
  out[u.out_off + row * u.out_stride + c] = acc / total;
}
