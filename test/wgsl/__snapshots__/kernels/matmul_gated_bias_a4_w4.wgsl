struct Uniforms {
  M: u32,
  K: u32,
  N: u32,
  a_off: u32,
  a_stride: u32,
  g_off: u32,
  g_stride: u32,
  out_off: u32,
  out_stride: u32,
};
@group(0) @binding(0) var<uniform> u: Uniforms;

@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;

@group(0) @binding(2) var<storage, read> gate: array<vec4<f32>>;

@group(0) @binding(3) var<storage, read> w: array<vec4<f32>>;

@group(0) @binding(4) var<storage, read> bias: array<f32>;

@group(0) @binding(5) var<storage, read_write> out: array<f32>;

var<workgroup> tileA: array<array<f32, 16>, 64>;
var<workgroup> tileW: array<array<vec4<f32>, 16>, 16>;

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let group = wg.z;
  let row0 = wg.y * 64u;
  let col0 = wg.x * 64u;
  let aColBase = group * u.K;
  let wBase = group * u.K * u.N;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < u.K; k0 += 16u) {
    // 64 rows x 4 vec4 per tile.
    for (var i = li; i < 256u; i += 256u) {
      let r = i / 4u;
      let c = (i % 4u) * 4u;
      let gr = row0 + r;
      var x = vec4<f32>(0.0);
      if (gr < u.M && k0 + c < u.K) {
        x = a[(u.a_off + gr * u.a_stride + aColBase + k0 + c) / 4u] * gate[(u.g_off + gr * u.g_stride + aColBase + k0 + c) / 4u];
      }
      tileA[r][c] = x.x; tileA[r][c + 1u] = x.y; tileA[r][c + 2u] = x.z; tileA[r][c + 3u] = x.w;
    }
    for (var i = li; i < 256u; i += 256u) {
      let r = i / 16u;
      let c = i % 16u;
      var x = vec4<f32>(0.0);
      if (k0 + r < u.K && col0 + c * 4u < u.N) {
        x = w[(wBase + (k0 + r) * u.N + col0 + c * 4u) / 4u];
      }
      tileW[r][c] = x;
    }
    workgroupBarrier();
    for (var k = 0u; k < 16u; k++) {
      let wv = tileW[k][lid.x];
      acc[0] = fma(vec4<f32>(tileA[lid.y * 4u + 0u][k]), wv, acc[0]);
      acc[1] = fma(vec4<f32>(tileA[lid.y * 4u + 1u][k]), wv, acc[1]);
      acc[2] = fma(vec4<f32>(tileA[lid.y * 4u + 2u][k]), wv, acc[2]);
      acc[3] = fma(vec4<f32>(tileA[lid.y * 4u + 3u][k]), wv, acc[3]);
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let gr = row0 + lid.y * 4u + i;
    for (var j = 0u; j < 4u; j++) {
      let gc = col0 + lid.x * 4u + j;
      if (gr < u.M && gc < u.N) {
        let outCol = group * u.N + gc;
        let y = acc[i][j] + bias[outCol];
        out[u.out_off + gr * u.out_stride + outCol] = y;
      }
    }
  }
}
