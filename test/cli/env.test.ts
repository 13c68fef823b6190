import { describe, expect, it } from 'vitest';
import { actlab } from '../safety/child.js';

describe('bad environment variables', () => {
  it.each([
    [
      'ACTLAB_BACKEND',
      'gpu',
      /^actlab: ACTLAB_BACKEND='gpu' is not available — available: js, wasm\n$/,
    ],
    [
      'ACTLAB_THREADS',
      'two',
      /^actlab: ACTLAB_THREADS must be a positive integer \(got 'two'\)\n$/,
    ],
    ['ACTLAB_THREADS', '0', /^actlab: ACTLAB_THREADS must be a positive integer \(got '0'\)\n$/],
  ])('%s=%s: one line naming it, exit code 2, nothing on stdout', async (name, value, message) => {
    const r = await actlab(['list'], { [name]: value });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('ACTLAB_THREADS=1 is accepted', async () => {
    const r = await actlab(['list'], { ACTLAB_THREADS: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^id\s+aliases/);
  });
});
