struct Uniforms {
  M: u32,
  K: u32,
  N: u32,
  col_base: u32,
  cols: u32,
  L: u32,
  a_off: u32,
  a_stride: u32,
  g_off: u32,
  g_stride: u32,
  mask_off: u32,
  out_off: u32,
  out_stride: u32,
  run1_col: u32,
};
@group(0) @binding(0) var<uniform> u: Uniforms;

@group(0) @binding(1) var<storage, read> a: array<f32>;

@group(0) @binding(2) var<storage, read> dw1: array<f32>;

@group(0) @binding(3) var<storage, read> w: array<vec4<f32>>;

@group(0) @binding(4) var<storage, read> bias: array<f32>;

@group(0) @binding(5) var<storage, read_write> out: array<f32>;

var<workgroup> tileA: array<array<array<f32, 32>, 16>, 2>;
var<workgroup> tileW: array<array<array<vec4<f32>, 8>, 16>, 2>;

fn load_a0(gr: u32, ac: u32) -> f32 {
  return a[u.a_off + gr * u.a_stride + ac];
}

fn load_a1(gr: u32, ac: u32) -> f32 {
  let b = gr / u.L;
  let l = i32(gr % u.L);
  let c = ac;
  let t_first = max(0, 2 - l);
  let t_end = min(5, i32(u.L) + 2 - l);
  var acc = 0.0;
  for (var t = t_first; t < t_end; t++) {
    let src = l + t - 2;
    acc = fma(dw1[c * 5u + u32(t)], a[u.a_off + (b * u.L + u32(src)) * u.a_stride + c], acc);
  }
  return acc;
}

fn load_a(run: u32, gr: u32, ac: u32) -> f32 {
  if (run == 0u) { return load_a0(gr, ac); }
  return load_a1(gr, ac);
}

/** Stores the K-step at k0 into shared buffer `buf`. */
fn store_tiles(buf: u32, k0: u32, li: u32, row0: u32, col0: u32, colEnd: u32, aBase: u32, wBase: u32, run: u32) {
  for (var i = li; i < 512u; i += 128u) {
    let r = i / 16u;
    let c = i % 16u;
    let gr = row0 + r;
    var x = 0.0;
    if (gr < u.M && k0 + c < u.K) { x = load_a(run, gr, aBase + k0 + c); }
    tileA[buf][c][r] = x;
  }
  for (var i = li; i < 128u; i += 128u) {
    let r = i / 8u;
    let c = i % 8u;
    var x = vec4<f32>(0.0);
    if (k0 + r < u.K && col0 + c * 4u < colEnd) { x = w[(wBase + (k0 + r) * u.N + col0 + c * 4u) / 4u]; }
    tileW[buf][r][c] = x;
  }
}

@compute @workgroup_size(8, 16, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let group = wg.z;
  let row0 = wg.y * 32u;
  let col0 = u.col_base + wg.x * 32u;
  let colEnd = u.col_base + u.cols;
  let aBase = group * u.K;
  let wBase = group * u.K * u.N;
  let run = select(0u, 1u, col0 >= u.run1_col);
  var acc: array<array<vec4<f32>, 1>, 2>;
  let steps = (u.K + 15u) / 16u;
  store_tiles(0u, 0u, li, row0, col0, colEnd, aBase, wBase, run);
  workgroupBarrier();
  for (var s = 0u; s < steps; s++) {
    let cur = s % 2u;
    if (s + 1u < steps) { store_tiles(1u - cur, (s + 1u) * 16u, li, row0, col0, colEnd, aBase, wBase, run); }
    for (var k = 0u; k < 16u; k++) {
      let w0 = tileW[cur][k][lid.x * 1u + 0u];
      let a0 = vec4<f32>(tileA[cur][k][lid.y * 2u + 0u]);
      acc[0][0] = fma(a0, w0, acc[0][0]);
      let a1 = vec4<f32>(tileA[cur][k][lid.y * 2u + 1u]);
      acc[1][0] = fma(a1, w0, acc[1][0]);
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 2u; i++) {
    let gr = row0 + lid.y * 2u + i;
    for (var j = 0u; j < 4u; j++) {
      let gc = col0 + lid.x * 4u + j;
      if (gr < u.M && gc < colEnd) {
        let outCol = group * u.N + gc;
        let y = acc[i][j / 4u][j % 4u] + bias[outCol];
        out[u.out_off + gr * u.out_stride + outCol] = y;
      }
    }
  }
}
