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
};
@group(0) @binding(0) var<uniform> u: Uniforms;

@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;

@group(0) @binding(2) var<storage, read> w: array<vec4<f32>>;

@group(0) @binding(3) var<storage, read> bias: array<f32>;

@group(0) @binding(4) var<storage, read_write> out: array<f32>;

fn erf_approx(x: f32) -> f32 {
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-a * a));
}

var<workgroup> tileA: array<array<array<f32, 32>, 16>, 2>;
var<workgroup> tileW: array<array<array<vec4<f32>, 8>, 16>, 2>;

fn load_a0(gr: u32, ac: u32) -> vec4<f32> {
  return a[(u.a_off + gr * u.a_stride + ac) / 4u];
}

fn load_a(run: u32, gr: u32, ac: u32) -> vec4<f32> {
  return load_a0(gr, ac);
}

/** Stores the K-step at k0 into shared buffer `buf`. */
fn store_tiles(buf: u32, k0: u32, li: u32, row0: u32, col0: u32, colEnd: u32, aBase: u32, wBase: u32, run: u32) {
  for (var i = li; i < 128u; i += 128u) {
    let r = i / 4u;
    let c = (i % 4u) * 4u;
    let gr = row0 + r;
    var x = vec4<f32>(0.0);
    if (gr < u.M && k0 + c < u.K) { x = load_a(run, gr, aBase + k0 + c); }
    tileA[buf][c][r] = x.x; tileA[buf][c + 1u][r] = x.y; tileA[buf][c + 2u][r] = x.z; tileA[buf][c + 3u][r] = x.w;
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
  let run = 0u;
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
        out[u.out_off + gr * u.out_stride + outCol] = (0.5 * y * (1.0 + erf_approx(y * 0.7071067811865476)));
      }
    }
  }
}
