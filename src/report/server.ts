/**
 * A small static file server for the report and the browser lab, on the
 * loopback interface only. It is built on node:http alone and refuses
 * everything a static site never needs: foreign Host headers (DNS rebinding),
 * methods other than GET and HEAD, request bodies, and any path that could
 * leave its directory, encoded or not. A refused path is an error status,
 * never a fallback page.
 */
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

/** Host names a browser on this machine uses for the loopback interface. */
const ALLOWED_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Addresses the server may bind: loopback only, so the lab is never on the network. */
const LOOPBACK_BIND = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The lab's scripts are external files (Vite emits no inline script), KaTeX
 * writes inline style attributes, charts use data: images, and the engine
 * compiles WebAssembly ('wasm-unsafe-eval' allows that without allowing eval).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: OutgoingHttpHeaders = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.safetensors': 'application/octet-stream',
};

export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export interface ServerOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** One directory served at `/`, or URL prefixes (ending in `/`) mapped to directories. */
  readonly root: string | Readonly<Record<string, string>>;
  /** A loopback address: 127.0.0.1 (default), ::1 or localhost. */
  readonly host?: string;
  /** Exact paths answered with a redirect, e.g. `{ '/': '/lab/' }` when there is no report yet. */
  readonly redirects?: Readonly<Record<string, string>>;
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** e.g. http://127.0.0.1:8765/ */
  readonly url: string;
  close(): Promise<void>;
}

interface Mount {
  readonly prefix: string;
  readonly dir: string;
}

function mountsOf(root: ServerOptions['root']): Mount[] {
  const table = typeof root === 'string' ? { '/': root } : root;
  const mounts = Object.entries(table).map(([prefix, dir]) => {
    if (!prefix.startsWith('/') || !prefix.endsWith('/')) {
      throw new Error(`mount prefix '${prefix}' must start and end with '/'`);
    }
    return { prefix, dir: resolve(dir) };
  });
  // The longest prefix wins, so /lab/ is found before /.
  return mounts.sort((a, b) => b.prefix.length - a.prefix.length);
}

/** The host name of a Host header without its port; '' when malformed. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return '';
    const rest = h.slice(end + 1);
    return rest === '' || /^:\d+$/.test(rest) ? h.slice(0, end + 1) : '';
  }
  const colon = h.indexOf(':');
  if (colon < 0) return h;
  return /^\d+$/.test(h.slice(colon + 1)) ? h.slice(0, colon) : '';
}

export function isAllowedHost(header: string | undefined): boolean {
  return header !== undefined && ALLOWED_HOSTS.has(hostName(header));
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: OutgoingHttpHeaders = {},
  ) {
    super(message);
  }
}

/**
 * The path segments of a request target, decoded and checked. Anything that
 * could name a file outside the mount, or that a static site never uses, is a
 * Refusal: encoded slashes or backslashes (they would change how the path
 * splits), backslashes, NUL, `.` and `..` segments and dot-files, raw or decoded.
 */
export function pathSegments(target: string): { segments: string[]; directory: boolean } {
  if (!target.startsWith('/')) throw new Refusal(400, 'request target must be an absolute path');
  const raw = target.split(/[?#]/, 1)[0]!;
  if (/%(2f|5c|00)/i.test(raw)) throw new Refusal(400, 'encoded slash, backslash or NUL in path');
  if (raw.includes('\\') || raw.includes('\0')) throw new Refusal(400, 'backslash or NUL in path');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new Refusal(400, 'malformed percent-encoding in path');
  }
  if (decoded.includes('\0') || decoded.includes('\\')) {
    throw new Refusal(400, 'backslash or NUL in path');
  }
  const parts = decoded.split('/').slice(1);
  const directory = parts.at(-1) === '';
  const segments = parts.filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) {
    throw new Refusal(403, 'dot segments and hidden files are not served');
  }
  return { segments, directory };
}

function refuse(
  res: ServerResponse,
  status: number,
  message: string,
  extra: OutgoingHttpHeaders = {},
): void {
  const body = `${status} ${message}\n`;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extra,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** The file a request names, or a Refusal (404 when it does not exist). */
async function locate(
  mounts: readonly Mount[],
  pathname: string,
  segments: readonly string[],
  directory: boolean,
): Promise<{ file: string; size: number }> {
  const mount = mounts.find((m) => pathname.startsWith(m.prefix) || `${pathname}/` === m.prefix);
  if (mount === undefined) throw new Refusal(404, 'not found');
  const skip = mount.prefix.split('/').filter((s) => s !== '').length;
  const inside = segments.slice(skip);
  let file = join(mount.dir, ...inside);
  let info = await statOrUndefined(file);
  if (info?.isDirectory()) {
    // A directory without its trailing slash would break the relative links of its index page.
    if (!directory) throw new Refusal(301, 'moved', { Location: encodeURI(`${pathname}/`) });
    file = join(file, 'index.html');
    info = await statOrUndefined(file);
  }
  if (info === undefined || !info.isFile()) throw new Refusal(404, 'not found');
  // A symbolic link inside the directory must not lead out of it.
  const [realRoot, realFile] = await Promise.all([realpath(mount.dir), realpath(file)]);
  if (!realFile.startsWith(realRoot + sep)) throw new Refusal(403, 'outside the served directory');
  return { file: realFile, size: info.size };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  mounts: readonly Mount[],
  redirects: Readonly<Record<string, string>>,
): Promise<void> {
  // A page on another site can point a name it controls at 127.0.0.1 (DNS rebinding);
  // its requests then carry that name in Host.
  if (!isAllowedHost(req.headers.host)) return refuse(res, 403, 'host not allowed');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return refuse(res, 405, 'method not allowed', { Allow: 'GET, HEAD', Connection: 'close' });
  }
  // Nothing here reads a body; closing the connection spares reading one.
  if (hasBody(req)) return refuse(res, 413, 'request body not accepted', { Connection: 'close' });
  try {
    const target = req.url ?? '';
    const { segments, directory } = pathSegments(target);
    const pathname = `/${segments.join('/')}${directory && segments.length > 0 ? '/' : ''}`;
    const redirect = redirects[pathname];
    if (redirect !== undefined) throw new Refusal(302, 'found', { Location: redirect });
    const { file, size } = await locate(mounts, pathname, segments, directory);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': contentType(file),
      'Content-Length': size,
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  } catch (e) {
    if (e instanceof Refusal) return refuse(res, e.status, e.message, e.headers);
    return refuse(res, 500, 'internal error');
  }
}

/**
 * Serves the directories on a loopback address until `close()`. Rejects when
 * the port is taken or the host is not a loopback address.
 */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_BIND.has(host)) {
    return Promise.reject(
      new Error(`host must be a loopback address (127.0.0.1, ::1 or localhost), got '${host}'`),
    );
  }
  const mounts = mountsOf(options.root);
  const redirects = options.redirects ?? {};
  const server = createServer((req, res) => {
    void handle(req, res, mounts, redirects);
  });
  // Without this listener Node answers `Expect: 100-continue` itself and invites the body.
  server.on('checkContinue', (req, res) => {
    void handle(req, res, mounts, redirects);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8765, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const shown = host === '::1' ? '[::1]' : host;
      resolvePromise({
        server,
        port,
        url: `http://${shown}:${port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
