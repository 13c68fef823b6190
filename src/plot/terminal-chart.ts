/**
 * A curve drawn in a terminal with Unicode braille: each character cell holds
 * a 2×4 grid of dots, so a 60×12 cell chart has 120×48 dots of resolution.
 */

/** Bit of the dot at (column, row) inside one braille cell (U+2800 + bits). */
const DOT_BITS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
] as const;

export interface TerminalChartOptions {
  readonly title: string;
  /** Width and height in character cells. */
  readonly columns?: number;
  readonly rows?: number;
}

/** A short label for an axis: 3 significant digits, no trailing zeros. */
export function axisLabel(v: number): string {
  return String(Number(v.toPrecision(3)));
}

function yExtent(ys: Float64Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of ys) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo > hi) return [-1, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  return [lo, hi];
}

/** The lines of a braille chart of y over x (x increasing), with its axis labels. */
export function terminalChart(
  x: Float64Array,
  y: Float64Array,
  options: TerminalChartOptions,
): string[] {
  const columns = options.columns ?? 60;
  const rows = options.rows ?? 12;
  const width = columns * 2;
  const height = rows * 4;
  const [x0, x1] = [x[0]!, x[x.length - 1]!];
  const [y0, y1] = yExtent(y);
  const cells = new Uint8Array(columns * rows);
  const px = (v: number) => Math.round(((v - x0) / (x1 - x0)) * (width - 1));
  const py = (v: number) => Math.round(((y1 - v) / (y1 - y0)) * (height - 1));
  const dot = (cx: number, cy: number) => {
    cells[Math.floor(cy / 4) * columns + Math.floor(cx / 2)]! |= DOT_BITS[cy % 4]![cx % 2]!;
  };
  // Join consecutive samples with enough dots that steep parts stay connected.
  for (let i = 1; i < x.length; i++) {
    const [a, b] = [y[i - 1]!, y[i]!];
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    const [ax, ay, bx, by] = [px(x[i - 1]!), py(a), px(x[i]!), py(b)];
    const steps = Math.max(Math.abs(bx - ax), Math.abs(by - ay), 1);
    for (let s = 0; s <= steps; s++) {
      dot(Math.round(ax + ((bx - ax) * s) / steps), Math.round(ay + ((by - ay) * s) / steps));
    }
  }
  const zeroRow = y0 <= 0 && y1 >= 0 ? Math.floor(py(0) / 4) : -1;
  const labels = [axisLabel(y1), axisLabel(y0), zeroRow >= 0 ? '0' : ''];
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const lines = [options.title];
  for (let r = 0; r < rows; r++) {
    let label = '';
    if (r === 0) label = labels[0]!;
    else if (r === rows - 1) label = labels[1]!;
    else if (r === zeroRow) label = '0';
    let line = '';
    for (let c = 0; c < columns; c++) {
      const bits = cells[r * columns + c]!;
      // An empty cell on the y = 0 row shows the axis.
      line += bits === 0 && r === zeroRow ? '┈' : String.fromCharCode(0x2800 + bits);
    }
    lines.push(`${label.padStart(labelWidth)} ┤${line}`);
  }
  const left = axisLabel(x0);
  const right = axisLabel(x1);
  const axis = `${' '.repeat(labelWidth)} └${'─'.repeat(columns)}`;
  const ticks = `${' '.repeat(labelWidth + 2)}${left}${right.padStart(columns - left.length)}`;
  lines.push(axis, ticks);
  return lines;
}
