// Bias add and bias gradient over a row-major [rows, cols] matrix: the two
// halves of a layer's bias, run inside wasm so that a fused bias + activation
// needs one copy in and one copy out. Both keep the js reference's order of
// float32 operations (one add per element; the gradient summed row after row),
// so they agree with it bit for bit.

/** y[r, c] = x[r, c] + b[c]; y may be x. */
export function biasRows(x: usize, b: usize, rows: i32, cols: i32, y: usize): void {
  const rowBytes = (<usize>cols) << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const k = (<usize>c) << 2;
      v128.store(y + o + k, f32x4.add(v128.load(x + o + k), v128.load(b + k)));
    }
    for (; c < cols; c++) {
      const k = (<usize>c) << 2;
      store<f32>(y + o + k, load<f32>(x + o + k) + load<f32>(b + k));
    }
  }
}

/**
 * gb[c] += Σ_r g[r, c], row after row: the host clears gb once and passes the
 * rows chunk by chunk, which sums in the same order as one pass.
 */
export function biasGradRows(g: usize, rows: i32, cols: i32, gb: usize): void {
  const rowBytes = (<usize>cols) << 2;
  for (let r = 0; r < rows; r++) {
    const o = g + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const k = (<usize>c) << 2;
      v128.store(gb + k, f32x4.add(v128.load(gb + k), v128.load(o + k)));
    }
    for (; c < cols; c++) {
      const k = (<usize>c) << 2;
      store<f32>(gb + k, load<f32>(gb + k) + load<f32>(o + k));
    }
  }
}
