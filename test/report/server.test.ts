import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostName, type RunningServer, startServer } from '../../src/report/server.js';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Sends bytes exactly as written (an HTTP client would normalise `..`, refuse
 * a NUL or set its own Host header) and reads the whole response.
 */
function raw(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    // write, not end: a half-closed socket may be dropped before an answer that awaits the disk.
    socket.write(request);
  });
}

function get(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
  method = 'GET',
): Promise<RawResponse> {
  return raw(port, `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
}

const SECRET = 'outside-the-root secret';
let base: string;
let server: RunningServer;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'actlab-server-'));
  const report = join(base, 'report');
  const lab = join(base, 'lab');
  mkdirSync(join(report, 'charts'), { recursive: true });
  mkdirSync(lab);
  writeFileSync(join(base, 'secret.txt'), SECRET);
  writeFileSync(join(report, 'index.html'), '<!doctype html><title>report</title>');
  writeFileSync(join(report, 'charts', 'relu.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(report, '.hidden'), 'hidden');
  writeFileSync(join(lab, 'index.html'), '<!doctype html><title>lab</title>');
  writeFileSync(join(lab, 'app.js'), 'console.log(1);');
  symlinkSync(join(base, 'secret.txt'), join(report, 'link.txt'));
  server = await startServer({ port: 0, root: { '/': report, '/lab/': lab } });
});

afterAll(async () => {
  await server.close();
  rmSync(base, { recursive: true, force: true });
});

describe('the lab server', () => {
  it('listens on 127.0.0.1 and says so in its url', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('refuses to bind an address other than loopback', async () => {
    await expect(startServer({ port: 0, root: base, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('serves a real file with 200 and its content type', async () => {
    const r = await get(server.port, '/charts/relu.svg');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('image/svg+xml');
    expect(r.body).toContain('<svg');
  });

  it('serves the index page of a directory and of the lab mount', async () => {
    const report = await get(server.port, '/');
    expect(report.status).toBe(200);
    expect(report.body).toContain('<title>report</title>');
    const lab = await get(server.port, '/lab/');
    expect(lab.status).toBe(200);
    expect(lab.body).toContain('<title>lab</title>');
    const js = await get(server.port, '/lab/app.js');
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('redirects a directory without its trailing slash instead of serving it', async () => {
    const r = await get(server.port, '/lab');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/lab/');
  });

  it('answers 404 for a missing file, with no fallback page', async () => {
    const r = await get(server.port, '/lab/no-such-page');
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('<title>');
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const r = await get(server.port, '/charts/relu.svg', undefined, 'HEAD');
    expect(r.status).toBe(200);
    expect(Number(r.headers['content-length'])).toBeGreaterThan(0);
    expect(r.body).toBe('');
  });

  it('sends a restrictive Content-Security-Policy and nosniff on every answer', async () => {
    for (const path of ['/', '/missing', '/../secret.txt']) {
      const r = await get(server.port, path);
      const csp = r.headers['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it.each([
    'evil.example',
    'evil.example:8765',
    'localhost.evil.example',
    '127.0.0.1.nip.io',
    '192.168.1.10',
    '[::2]:80',
    '',
  ])('answers 403 to the Host header %j', async (host) => {
    const r = await get(server.port, '/', host);
    expect(r.status).toBe(403);
    expect(r.body).not.toContain('<title>');
  });

  it.each(['localhost', 'LOCALHOST:1234', '127.0.0.1', '[::1]:8765'])(
    'accepts the loopback Host header %j',
    async (host) => {
      const r = await get(server.port, '/', host);
      expect(r.status).toBe(200);
    },
  );

  it.each([
    '/../secret.txt',
    '/lab/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/lab/%2e%2e/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..\\secret.txt',
    '/..%5csecret.txt',
    '/charts/relu.svg%00.html',
    '/%00',
    '/.hidden',
    '/charts/./relu.svg',
    '/link.txt',
    '/%ff%fe',
  ])('refuses the path %j without serving any page', async (path) => {
    const r = await get(server.port, path);
    expect([400, 403, 404]).toContain(r.status);
    expect(r.body).not.toContain(SECRET);
    expect(r.body).not.toContain('<title>');
  });

  it('refuses an absolute-form request target', async () => {
    const r = await get(server.port, 'http://127.0.0.1/../secret.txt');
    expect([400, 403, 404]).toContain(r.status);
    expect(r.body).not.toContain(SECRET);
  });

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])(
    'answers %s with 405 and an Allow header',
    async (method) => {
      const r = await get(server.port, '/', undefined, method);
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    },
  );

  it('answers a POST with a body with 405 or 413', async () => {
    const body = 'x'.repeat(1000);
    const r = await raw(
      server.port,
      `POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect([405, 413]).toContain(r.status);
  });

  it('answers a GET that carries a body with 413', async () => {
    const r = await raw(
      server.port,
      'GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
    );
    expect(r.status).toBe(413);
  });

  it('answers a chunked body with 413 and does not invite it with 100 Continue', async () => {
    const r = await raw(
      server.port,
      'GET / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    );
    expect(r.status).toBe(413);
  });
});

describe('the host name of a Host header', () => {
  it.each([
    ['localhost:8765', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]:80', '[::1]'],
    ['[::1]', '[::1]'],
    ['localhost:80:80', ''],
    ['[::1]x', ''],
    ['localhost:', ''],
  ])('reads %j as %j', (header, name) => {
    expect(hostName(header)).toBe(name);
  });
});
