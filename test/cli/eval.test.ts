import { describe, expect, it } from 'vitest';
import { loadElementwise } from '../helpers/fixtures.js';
import { cli, expectUsageError } from './harness.js';

/** The numbers of a labelled output line such as "dy/dx: 0.1 0.2". */
function labelled(stdout: string, label: string): number[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${label}:`));
  if (line === undefined) throw new Error(`no '${label}:' line in:\n${stdout}`);
  return line
    .slice(label.length + 1)
    .trim()
    .split(/\s+/)
    .map(Number);
}

interface EvalJson {
  activation: string;
  params: Record<string, number | string>;
  dtype: string;
  x: (number | string)[];
  y: (number | string)[];
  dydx?: (number | string)[];
  dparams?: Record<string, (number | string)[]>;
  jacobian?: number[][];
}

describe('actlab eval, human output', () => {
  it('prints sigmoid(-1, 0, 1) in float32 exactly as TensorFlow prints it', async () => {
    // TensorFlow: tf.sigmoid([-1., 0., 1.]) -> [0.26894143 0.5 0.7310586]
    const r = await cli(['eval', 'sigmoid', '-1', '0', '1']);
    expect(r).toEqual({ code: 0, stdout: '0.26894143 0.5 0.7310586\n', stderr: '' });
  });

  it('prints tanh and relu in float32 as TensorFlow prints them', async () => {
    // TensorFlow: tanh -> [-0.7615942 0 0.7615942], relu -> [0 0 1]
    expect((await cli(['eval', 'tanh', '-1', '0', '1'])).stdout).toBe('-0.7615942 0 0.7615942\n');
    expect((await cli(['eval', 'relu', '-1', '0', '1'])).stdout).toBe('0 0 1\n');
  });

  it('matches the mpmath reference for gelu and its derivative in float64', async () => {
    const r = await cli([
      'eval',
      'gelu',
      '--grad',
      '--dtype',
      'float64',
      '--',
      '-10',
      '-5',
      '0',
      '3',
    ]);
    expect(r.code).toBe(0);
    const ref = loadElementwise().find((c) => c.id === 'gelu' && c.isDefault)!;
    const xs = [-10, -5, 0, 3];
    const at = (x: number) => ref.x.findIndex((v) => v === x && !Object.is(v, -0));
    const y = labelled(r.stdout, 'y');
    const dydx = labelled(r.stdout, 'dy/dx');
    xs.forEach((x, k) => {
      const i = at(x);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(Math.abs(y[k]! - ref.y[i]!)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.y[i]!));
      expect(Math.abs(dydx[k]! - ref.dydx[i]!)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.dydx[i]!));
    });
  });

  it('takes negative numbers as values without a --', async () => {
    const r = await cli(['eval', 'relu', '-1', '-2.5', '-1e3', '-.5', '-Infinity', '2']);
    expect(r).toEqual({ code: 0, stdout: '0 0 0 0 0 2\n', stderr: '' });
  });

  it('accepts NaN and ±Infinity as inputs and prints the limits', async () => {
    const r = await cli(['eval', 'sigmoid', 'NaN', 'Infinity', '-Infinity']);
    expect(r.stdout).toBe('NaN 1 0\n');
  });

  it('reads whitespace-separated values from stdin when none are given', async () => {
    const r = await cli(['eval', 'sigmoid'], '-1\n 0\t1\n');
    expect(r.stdout).toBe('0.26894143 0.5 0.7310586\n');
  });

  it('takes one --param pair per flag, repeatedly, without swallowing the values after it', async () => {
    // hardtanh clips to [min_val, max_val]
    const r = await cli([
      'eval',
      'hardtanh',
      '--param',
      'min_val=-2',
      '--param',
      'max_val=3',
      '-5',
      '-1',
      '4',
    ]);
    expect(r.stdout).toBe('-2 -1 3\n');
    const leaky = await cli(['eval', 'leaky_relu', '--param', 'negative_slope=0.5', '-4', '4']);
    expect(leaky.stdout).toBe('-2 4\n');
  });

  it('applies a preset, and an explicit --param wins over it', async () => {
    // Keras's leaky_relu slope is 0.2 (DESIGN.md, presets)
    expect((await cli(['eval', 'leaky_relu', '--preset', 'keras', '-10'])).stdout).toBe('-2\n');
    const r = await cli([
      'eval',
      'leaky_relu',
      '--preset',
      'keras',
      '--param',
      'negative_slope=0.5',
      '-10',
    ]);
    expect(r.stdout).toBe('-5\n');
  });

  it('labels y, dy/dx and the gradient of each learnable parameter with --grad', async () => {
    // prelu(x) = x for x > 0, alpha·x otherwise: d/dalpha is x below 0 and 0 above.
    const r = await cli(['eval', 'prelu', '--grad', '--param', 'alpha=0.25', '-2', '3']);
    expect(r.code).toBe(0);
    expect(labelled(r.stdout, 'y')).toEqual([-0.5, 3]);
    expect(labelled(r.stdout, 'dy/dx')).toEqual([0.25, 1]);
    expect(labelled(r.stdout, 'dy/dalpha')).toEqual([-2, 0]);
  });
});

describe('actlab eval --json', () => {
  it('prints only one JSON object on stdout, at full precision, with non-finite values as strings', async () => {
    const r = await cli([
      'eval',
      'sigmoid',
      '--json',
      '--grad',
      '-1',
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as EvalJson;
    expect(Object.keys(out)).toEqual(['activation', 'params', 'dtype', 'x', 'y', 'dydx']);
    expect(out.activation).toBe('sigmoid');
    expect(out.dtype).toBe('float32');
    // The float32 value itself, not its short decimal: fround of TensorFlow's printed digits.
    expect(out.y[0]).toBe(Math.fround(0.26894143));
    expect(out.y.slice(1)).toEqual(['NaN', 1, 0]);
    expect(out.x).toEqual([-1, 'NaN', 'Infinity', '-Infinity']);
    expect(out.dydx![1]).toBe('NaN');
  });

  it('names the activation by its id and prints the resolved parameters, also for an alias', async () => {
    const r = await cli(['eval', 'gelu_new', '--json', '1']);
    const out = JSON.parse(r.stdout) as EvalJson;
    expect(out.activation).toBe('gelu');
    expect(out.params['approximate']).toBe('tanh');
  });

  it('gives the gradients of learnable parameters per element', async () => {
    const r = await cli(['eval', 'prelu', '--json', '--grad', '--dtype', 'float64', '-3', '0.5']);
    const out = JSON.parse(r.stdout) as EvalJson;
    expect(out.dparams).toEqual({ alpha: [-3, 0] });
  });

  it('gives the Jacobian of a vector activation, which for softmax is diag(y) - y yᵀ', async () => {
    const r = await cli([
      'eval',
      'softmax',
      '--json',
      '--grad',
      '--dtype',
      'float64',
      '1',
      '2',
      '3',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as EvalJson;
    expect(out.dydx).toBeUndefined();
    const y = out.y as number[];
    expect(y.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    expect(y[2]! / y[1]!).toBeCloseTo(Math.E, 14);
    out.jacobian!.forEach((row, j) => {
      row.forEach((v, i) => {
        expect(v).toBeCloseTo((i === j ? y[j]! : 0) - y[j]! * y[i]!, 15);
      });
    });
  });
});

describe('actlab eval, bad input', () => {
  it('suggests the nearest name for an unknown activation', async () => {
    const line = expectUsageError(await cli(['eval', 'gleu', '1']));
    expect(line).toMatch(/^error: unknown activation 'gleu' — did you mean .*'gelu'/);
  });

  it('names an unknown parameter and the valid ones', async () => {
    const line = expectUsageError(await cli(['eval', 'leaky_relu', '--param', 'slope=1', '1']));
    expect(line).toContain("'slope'");
    expect(line).toContain('negative_slope');
  });

  it('names an out-of-range parameter and its allowed range', async () => {
    const line = expectUsageError(await cli(['eval', 'gelu', '--param', 'sigma=0', '1']));
    expect(line).toContain("'sigma'");
    expect(line).toContain('(0, ∞)');
  });

  it('names a value that is not a number', async () => {
    expect(expectUsageError(await cli(['eval', 'relu', '1', 'abc']))).toContain("'abc'");
    expect(expectUsageError(await cli(['eval', 'relu', '--param', 'x', '1']))).toContain(
      'name=value',
    );
  });

  it('keeps stdout empty with --json when the input is bad', async () => {
    expectUsageError(await cli(['eval', 'relu', '--json', 'abc']));
  });

  it('computes with the wasm kernels on --backend wasm, within the float32 tolerances of mpmath', async () => {
    const ref = loadElementwise().find((c) => c.id === 'gelu' && c.isDefault)!;
    const xs = [-5, -1, 0, 0.5, 3];
    const r = await cli([
      'eval',
      'gelu',
      '--backend',
      'wasm',
      '--grad',
      '--json',
      '--',
      ...xs.map(String),
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as EvalJson;
    const at = (x: number) => ref.x.findIndex((v) => v === x && !Object.is(v, -0));
    xs.forEach((x, k) => {
      const i = at(x);
      expect(i).toBeGreaterThanOrEqual(0);
      // 4 float32 ULP of the value; derivatives 1e-5 relative + 1e-9 absolute (DESIGN.md §3).
      const y = Number(out.y[k]);
      expect(Math.abs(y - ref.y[i]!)).toBeLessThanOrEqual(
        4 * 2 ** -23 * Math.abs(ref.y[i]!) + 1e-45,
      );
      const d = Number(out.dydx![k]);
      expect(Math.abs(d - ref.dydx[i]!)).toBeLessThanOrEqual(1e-5 * Math.abs(ref.dydx[i]!) + 1e-9);
    });
  });

  it('turns commander errors (unknown option, bad choice) into exit code 2', async () => {
    expect(expectUsageError(await cli(['eval', 'relu', '--bogus', '1']))).toContain('--bogus');
    expect(expectUsageError(await cli(['eval', 'relu', '--dtype', 'float16', '1']))).toContain(
      'float16',
    );
  });

  it('refuses an axis that a single vector does not have', async () => {
    expect(expectUsageError(await cli(['eval', 'softmax', '--axis', '1', '1', '2']))).toContain(
      'axis',
    );
  });

  it('refuses a slice length the vector activation does not accept', async () => {
    // GLU halves its input, so an odd length has no meaning.
    expect(expectUsageError(await cli(['eval', 'glu', '1', '2', '3']))).toContain('even');
  });

  it('refuses empty input', async () => {
    expectUsageError(await cli(['eval', 'relu'], ' \n'));
  });
});
