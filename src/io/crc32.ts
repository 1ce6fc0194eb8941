// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of zip, gzip and PNG.
// Node has zlib.crc32 since v20.15 / v22.2 (native, fast); older 20.x releases get the table version.

import * as zlib from 'node:zlib';

type Crc32Fn = (data: Uint8Array, value?: number) => number;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * CRC-32 of `data` in plain TypeScript, continuing from `value` (the CRC of the bytes before; 0 to start).
 * The reference for {@link crc32}; exported for tests.
 */
export function crc32Table(data: Uint8Array, value = 0): number {
  const t = crcTable();
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// `zlib.crc32` is read through a namespace lookup so this module still loads on Node releases without it.
const nativeCrc32 = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

/** True when Node's built-in zlib.crc32 is used. */
export const crc32IsNative = typeof nativeCrc32 === 'function';

/**
 * CRC-32 (IEEE) of `data` as an unsigned 32-bit integer, continuing from `value` (0 to start).
 * @example crc32(new TextEncoder().encode('123456789')) === 0xcbf43926
 */
export const crc32: (data: Uint8Array, value?: number) => number = nativeCrc32
  ? (data, value = 0) => nativeCrc32(data, value) >>> 0
  : crc32Table;
