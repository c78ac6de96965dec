/**
 * A small, safe parser for Python literal expressions as written by `repr()` (the Amazon 2014
 * meta dump is one Python dict per line, with single-quoted strings): dicts, lists, tuples,
 * strings ('...' or "...", with backslash escapes, optional u/b prefix), ints, floats,
 * True/False/None. Nothing is evaluated; anything else is a syntax error with its column.
 */
export type PyValue = null | boolean | number | string | PyValue[] | { [key: string]: PyValue };

export class PythonLiteralError extends Error {
  constructor(
    readonly column: number,
    readonly expected: string,
    found: string,
  ) {
    super(`column ${column}: expected ${expected}, found ${found}`);
    this.name = 'PythonLiteralError';
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\n': '',
};

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  found(): string {
    return this.pos >= this.s.length ? 'end of line' : JSON.stringify(this.s.slice(this.pos, this.pos + 12));
  }

  error(expected: string): never {
    throw new PythonLiteralError(this.pos + 1, expected, this.found());
  }

  ws(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  value(): PyValue {
    this.ws();
    const c = this.s[this.pos];
    switch (c) {
      case '{':
        return this.dict();
      case '[':
        return this.seq(']');
      case '(':
        return this.seq(')');
      case "'":
      case '"':
        return this.str();
      default:
        break;
    }
    if (
      (c === 'u' || c === 'b' || c === 'U' || c === 'B') &&
      (this.s[this.pos + 1] === "'" || this.s[this.pos + 1] === '"')
    ) {
      this.pos++;
      return this.str();
    }
    if (c !== undefined && (c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9'))) return this.num();
    for (const [word, v] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (this.s.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.error('a Python literal (dict, list, tuple, string, number, True, False, None)');
  }

  dict(): { [key: string]: PyValue } {
    this.pos++;
    const out: { [key: string]: PyValue } = {};
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      const key = this.value();
      if (typeof key !== 'string' && typeof key !== 'number') this.error('a string or number dict key');
      this.ws();
      if (this.s[this.pos] !== ':') this.error("':' after a dict key");
      this.pos++;
      out[String(key)] = this.value();
      this.ws();
      const c = this.s[this.pos];
      if (c === ',') {
        this.pos++;
        this.ws();
        if (this.s[this.pos] === '}') {
          this.pos++;
          return out;
        }
      } else if (c === '}') {
        this.pos++;
        return out;
      } else this.error("',' or '}' in a dict");
    }
  }

  seq(close: string): PyValue[] {
    this.pos++;
    const out: PyValue[] = [];
    this.ws();
    if (this.s[this.pos] === close) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.pos];
      if (c === ',') {
        this.pos++;
        this.ws();
        if (this.s[this.pos] === close) {
          this.pos++;
          return out;
        }
      } else if (c === close) {
        this.pos++;
        return out;
      } else this.error(`',' or '${close}' in a ${close === ']' ? 'list' : 'tuple'}`);
    }
  }

  str(): string {
    const s = this.s;
    const quote = s[this.pos];
    const start = ++this.pos;
    // Fast path: no escapes.
    const end = s.indexOf(quote, start);
    const bs = s.indexOf('\\', start);
    if (end >= 0 && (bs < 0 || bs > end)) {
      this.pos = end + 1;
      return s.slice(start, end);
    }
    let out = '';
    for (;;) {
      if (this.pos >= s.length) this.error(`a closing ${quote}`);
      const c = s[this.pos];
      if (c === quote) {
        this.pos++;
        return out;
      }
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const e = s[this.pos + 1];
      if (e === undefined) {
        this.pos++;
        this.error('an escape sequence');
      }
      if (e === 'x' || e === 'u' || e === 'U') {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = s.slice(this.pos + 2, this.pos + 2 + n);
        if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) {
          this.pos += 2;
          this.error(`${n} hex digits after \\${e}`);
        }
        out += String.fromCodePoint(parseInt(hex, 16));
        this.pos += 2 + n;
      } else if (e in SIMPLE_ESCAPES) {
        out += SIMPLE_ESCAPES[e];
        this.pos += 2;
      } else {
        // Python keeps unknown escapes verbatim.
        out += '\\' + e;
        this.pos += 2;
      }
    }
  }

  num(): number {
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[jJlL]?/.exec(this.s.slice(this.pos, this.pos + 64));
    if (!m || m[0] === '-' || m[0] === '+') this.error('a number');
    this.pos += m[0].length;
    const text = m[0].replace(/[lL]$/, '');
    if (/[jJ]$/.test(text)) this.error('a real number (complex literals are not supported)');
    return Number(text);
  }
}

/** Parses one Python literal; throws PythonLiteralError (with a 1-based column) on anything else. */
export function parsePythonLiteral(text: string): PyValue {
  const p = new Parser(text);
  const v = p.value();
  p.ws();
  if (p.pos !== text.length) p.error('end of line after the literal');
  return v;
}
