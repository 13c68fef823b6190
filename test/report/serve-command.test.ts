import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/activations/errors.js';
import { serveLab } from '../../src/cli/commands/serve.js';

function capture() {
  let text = '';
  return { sink: { write: (t: string) => (text += t) }, text: () => text };
}

function status(url: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    })
      .on('error', reject)
      .end();
  });
}

const base = mkdtempSync(join(tmpdir(), 'actlab-serve-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('actlab serve', () => {
  it('prints the report and lab addresses and leads / to the lab while there is no report', async () => {
    const lab = join(base, 'lab');
    mkdirSync(lab);
    writeFileSync(join(lab, 'index.html'), '<!doctype html><title>lab</title>');
    const out = capture();
    const err = capture();
    const running = await serveLab(
      { port: 0, report: join(base, 'no-report'), lab },
      { stdout: out.sink, stderr: err.sink },
    );
    try {
      expect(out.text()).toContain(`http://127.0.0.1:${running.port}/lab/`);
      expect(err.text()).toMatch(/no report/);
      expect(await status(running.url)).toEqual({ status: 302, location: '/lab/' });
      expect((await status(`${running.url}lab/`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('says which port is taken, as a usage error', async () => {
    const io = { stdout: capture().sink, stderr: capture().sink };
    const first = await serveLab({ port: 0, report: base, lab: base }, io);
    try {
      await expect(serveLab({ port: first.port, report: base, lab: base }, io)).rejects.toThrow(
        UsageError,
      );
      await expect(serveLab({ port: first.port, report: base, lab: base }, io)).rejects.toThrow(
        /in use/,
      );
    } finally {
      await first.close();
    }
  });
});
