struct Uniforms {
  L: u32,
  C: u32,
  x_off: u32,
  x_stride: u32,
  mask_off: u32,
  out_off: u32,
  out_stride: u32,
};
@group(0) @binding(0) var<uniform> u: Uniforms;

@group(0) @binding(1) var<storage, read> x: array<f32>;

@group(0) @binding(2) var<storage, read> w: array<f32>;

@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let row = gid.y;
  if (c >= u.C) { return; }
  let b = row / u.L;
  let l = i32(row % u.L);
  var acc = 0.0;
  for (var t = 0; t < 5; t++) {
    let src = l + t - 2;
    if (src >= 0 && src < i32(u.L)) {
      acc = fma(w[c * 5u + u32(t)], x[u.x_off + (b * u.L + u32(src)) * u.x_stride + c], acc);
    }
  }
  out[u.out_off + row * u.out_stride + c] = acc;
}
