// The configuration table of the report: a nested options object flattened to dotted keys, each value
// printed as text (strings as they are, arrays and small objects as JSON). Escaping is the caller's job.

/** Depth below which nested plain objects are flattened; deeper ones are printed as JSON. */
const MAX_DEPTH = 4;

/**
 * `config` as [key, value] rows in key order of insertion: nested plain objects become dotted keys
 * (`optimizer.lr`); arrays, dates and everything else stay one value. An empty nested object is one row.
 * @example flattenConfig({ epochs: 20, optimizer: { name: 'adam', lr: 0.001 } })
 *   // [['epochs', 20], ['optimizer.name', 'adam'], ['optimizer.lr', 0.001]]
 */
export function flattenConfig(config: Readonly<Record<string, unknown>>, prefix = '', depth = 0): [string, unknown][] {
  const rows: [string, unknown][] = [];
  for (const [key, value] of Object.entries(config)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (isNested(value) && depth < MAX_DEPTH && Object.keys(value).length > 0) rows.push(...flattenConfig(value, name, depth + 1));
    else rows.push([name, value]);
  }
  return rows;
}

function isNested(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * One configuration value as text: strings as they are, numbers/booleans/null/undefined/bigints by
 * String, dates in ISO form, arrays and other objects as JSON (typed arrays as arrays), functions as
 * `[function name]`; a value JSON cannot print (a cycle) as `[unprintable]`.
 */
export function formatConfigValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (typeof value !== 'object' || value === null) return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return JSON.stringify(Array.from(value as unknown as ArrayLike<number>));
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? String(value);
  } catch {
    return '[unprintable]';
  }
}
