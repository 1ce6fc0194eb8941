// Text from data files shown inside messages: control characters are written as escapes, so a value
// holding a bell, a carriage return or an escape sequence can neither disturb the terminal nor hide
// part of the message it is quoted in.

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** `s` with C0/C1 control characters, DEL and the Unicode line separators escaped (\t, \n, \r, \xHH, \uHHHH). */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
