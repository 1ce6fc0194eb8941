// Markup helpers shared by the SVG and HTML writers: escaping, elements with attributes, and short
// number text for coordinates. Every piece of text that reaches a report goes through escapeXml.

/** Text safe inside an XML/HTML element or a double- or single-quoted attribute: & < > " ' escaped. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Attribute values: strings are escaped, numbers written by {@link num}; undefined and false omit the attribute. */
export type Attrs = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * `<tag a="1" b="x">children</tag>`, or `<tag … />` when `children` is undefined. Attribute names are
 * ours (never user input); values are escaped. `children` is markup: escape text with {@link escapeXml}.
 */
export function el(tag: string, attrs: Attrs = {}, children?: string): string {
  let open = `<${tag}`;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    const text = value === true ? name : typeof value === 'number' ? num(value) : value;
    open += ` ${name}="${escapeXml(text)}"`;
  }
  return children === undefined ? `${open}/>` : `${open}>${children}</${tag}>`;
}

/** A coordinate as short text: rounded to 2 decimals (1/100 px), no trailing zeros, no "-0". */
export function num(value: number): string {
  const r = Math.round(value * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}
