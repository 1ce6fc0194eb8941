// printable: data shown inside messages never carries raw control characters.

import { describe, expect, it } from 'vitest';
import { printable } from '../../src/util/printable.js';

describe('printable', () => {
  it('escapes C0 and C1 controls, DEL and the Unicode line separators; leaves other text alone', () => {
    expect(printable('a\tb\rc\nd')).toBe('a\\tb\\rc\\nd');
    expect(printable('\x00\x07\x1b[31m\x7f\x85')).toBe('\\x00\\x07\\x1b[31m\\x7f\\x85');
    expect(printable('x\u2028y\u2029')).toBe('x\\u2028y\\u2029');
    expect(printable('plain text, café, 数据 "quoted" \\ back')).toBe('plain text, café, 数据 "quoted" \\ back');
    for (let c = 0; c < 0x20; c++) expect(printable(String.fromCharCode(c))).toMatch(/^\\[xtnr]/);
  });
});
