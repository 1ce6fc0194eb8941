// What a CSV value means, shared by the JS fallback, schema inference and the tests; the native reader
// implements the same rules (native/csv/number.h, tokenize.h), so both backends agree bit for bit:
// - a value is the field's content with leading/trailing spaces and tabs removed (quotes removed too);
// - a number follows the grammar [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)? and is
//   Math.fround(Number(value)): rounded to the nearest double, then to float32 (no hex, no Infinity);
// - a number whose float32 rounding is infinite is out of range (an error, never a silent Infinity);
// - a missing value is one of the missing tokens (default '', 'NA', 'NaN', '?'), compared exactly.

/** The default missing-value tokens. */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['', 'NA', 'NaN', '?'];

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const EDGE_BLANKS = /^[ \t]+|[ \t]+$/g;

/** The value of a field: spaces and tabs at both ends removed (the only trimming CSV values get). */
export function trimValue(field: string): string {
  const first = field.charCodeAt(0);
  const last = field.charCodeAt(field.length - 1);
  return first === 32 || first === 9 || last === 32 || last === 9 ? field.replace(EDGE_BLANKS, '') : field;
}

/** Result of parsing a numeric value: the float32 value, or why it is not one. */
export type NumberParse = { ok: true; value: number } | { ok: false; reason: 'invalid' | 'range' };

/**
 * A trimmed value as float32 (see the file comment for the grammar).
 * @example parseFloat32('1e3') // { ok: true, value: 1000 }
 * @example parseFloat32('1e39') // { ok: false, reason: 'range' }
 */
export function parseFloat32(value: string): NumberParse {
  if (!isPlainDecimal(value) && !NUMBER.test(value)) return { ok: false, reason: 'invalid' };
  const f = Math.fround(Number(value));
  return Number.isFinite(f) ? { ok: true, value: f } : { ok: false, reason: 'range' };
}

/** Digits with at most one '.' and a leading '-' (a subset of the grammar), checked without a regex. */
function isPlainDecimal(value: string): boolean {
  const n = value.length;
  if (n === 0 || n > 24) return false;
  let i = value.charCodeAt(0) === 45 ? 1 : 0; // '-'
  let digits = 0;
  let dot = false;
  for (; i < n; i++) {
    const ch = value.charCodeAt(i);
    if (ch >= 48 && ch <= 57) digits++;
    else if (ch === 46 && !dot) dot = true;
    else return false;
  }
  return digits > 0;
}

/** True when `value` reads as a number (in range or not): how inference tells numeric columns. */
export function looksNumeric(value: string): boolean {
  return NUMBER.test(value);
}
