/**
 * A strict JSON reader for files from strangers. JSON.parse keeps the last of
 * two equal keys without a word, turns a `__proto__` key into an own property
 * that later spreads can promote to a prototype, and recurses as deep as the
 * text nests; this reader refuses all three, each with a LoadError that names
 * the key and where it is. Otherwise it accepts exactly RFC 8259 JSON.
 */
import { LoadError, quoteName } from './load-error.js';

export interface StrictJsonOptions {
  /** Arrays and objects nested deeper than this are refused (the top level is depth 1). */
  readonly maxDepth: number;
  /** What is being read, for messages: `model.json`, `safetensors header`. */
  readonly what: string;
}

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for the keys no reader may accept: they reach Object.prototype. */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Parser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly opts: StrictJsonOptions,
  ) {}

  private fail(message: string, code: 'bad-json' | 'too-deep' = 'bad-json'): never {
    throw new LoadError(code, `${this.opts.what}: ${message} at character ${this.pos}`);
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  parseDocument(): unknown {
    const v = this.value(1);
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('unexpected text after the JSON value');
    return v;
  }

  private value(depth: number): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{' || c === '[') {
      if (depth > this.opts.maxDepth) {
        this.fail(`nested deeper than ${this.opts.maxDepth} levels`, 'too-deep');
      }
      return c === '{' ? this.object(depth) : this.array(depth);
    }
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    return this.number();
  }

  private literal<T>(word: string, v: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('invalid JSON value');
    this.pos += word.length;
    return v;
  }

  private number(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) this.fail('invalid JSON value');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private string(): string {
    const t = this.text;
    this.pos++; // the opening quote
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('control character in a string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(start, this.pos);
      const e = t[this.pos + 1];
      if (e === 'u') {
        const hex = t.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 6;
      } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
        out += ESCAPES[e];
        this.pos += 2;
      } else {
        this.fail('bad escape in a string');
      }
      start = this.pos;
    }
  }

  private array(depth: number): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  private object(depth: number): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('expected a key in quotes');
      const keyAt = this.pos;
      const key = this.string();
      if (isForbiddenKey(key)) {
        throw new LoadError(
          'forbidden-key',
          `${this.opts.what}: forbidden key ${quoteName(key)} at character ${keyAt}`,
        );
      }
      if (Object.hasOwn(out, key)) {
        throw new LoadError(
          'duplicate-key',
          `${this.opts.what}: duplicate key ${quoteName(key)} at character ${keyAt}`,
        );
      }
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail("expected ':' after a key");
      this.pos++;
      out[key] = this.value(depth + 1);
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
    }
  }
}

/** Parses JSON text, refusing duplicate keys, prototype keys and deep nesting with a LoadError. */
export function parseStrictJson(text: string, opts: StrictJsonOptions): unknown {
  return new Parser(text, opts).parseDocument();
}

/** Decodes UTF-8 (refusing invalid sequences) and parses it strictly. */
export function parseStrictJsonBytes(bytes: Uint8Array, opts: StrictJsonOptions): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new LoadError('bad-json', `${opts.what}: not valid UTF-8`);
  }
  return parseStrictJson(text, opts);
}
