// The bench's one Markdown table: a row per case, baselines and peers in their own columns, ratios from
// the same run.

export interface Row {
  group: string;
  case: string;
  native: number | string | null; // nntrain, native backend
  js: number | string | null; // nntrain, js backend (the baseline)
  peer: number | string | null;
  peerName: string;
  unit: string;
  note: string;
}

export function fmt(v: number | string | null, digits?: number): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (digits !== undefined) return v.toFixed(digits);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

const ratio = (a: number | string | null, b: number | string | null): string =>
  typeof a === 'number' && typeof b === 'number' && b > 0 ? `${(a / b).toFixed(2)}×` : '—';

export function markdownTable(title: string, rows: Row[]): string {
  const lines = [
    title,
    '',
    '| group | case | unit | nntrain native | nntrain js | native/js | peer | peer value | native/peer | notes |',
    '|---|---|---|---:|---:|---:|---|---:|---:|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.group} | ${r.case} | ${r.unit} | ${fmt(r.native)} | ${fmt(r.js)} | ${ratio(r.native, r.js)} | ${r.peerName || '—'} | ${fmt(r.peer)} | ${ratio(r.native, r.peer)} | ${r.note} |`,
    );
  }
  return lines.join('\n');
}
