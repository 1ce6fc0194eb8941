// The report page's CSS, inline in the page (no external stylesheet). Kept apart so html.ts stays about
// structure; plain selectors only, no url() or @import (the page's Content-Security-Policy allows neither).

/** The stylesheet of {@link reportHtml}'s page. */
export const REPORT_CSS = `
  :root { color-scheme: light; }
  body { margin: 0; background: #f6f7f9; color: #1d1f23; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
  main { max-width: 980px; margin: 0 auto; padding: 24px 20px 40px; }
  h1 { font-size: 24px; margin: 0 0 8px; }
  h2 { font-size: 17px; margin: 0 0 10px; }
  section { background: #ffffff; border: 1px solid #dde1e6; border-radius: 6px; padding: 14px 18px; margin: 16px 0; }
  ul.notes { margin: 4px 0 0; padding-left: 20px; color: #4a4f57; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { padding: 4px 10px; border-bottom: 1px solid #eceef1; text-align: right; }
  th { font-weight: 600; }
  table.kv th { text-align: left; color: #4a4f57; font-weight: 500; }
  table.kv td { text-align: left; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
  table.grid tr:first-child th { border-bottom: 2px solid #c9ced6; }
  table.grid th[scope="row"] { text-align: left; }
  tr.avg th, tr.avg td { color: #4a4f57; }
  table.confusion td { min-width: 44px; text-align: center; }
  table.confusion td.diag { font-weight: 700; }
  .figure { overflow-x: auto; }
  .figure svg { max-width: 100%; height: auto; }
  details summary { cursor: pointer; color: #4a4f57; margin: 6px 0; }
  pre { background: #f6f7f9; padding: 10px; overflow-x: auto; font-size: 12px; }
  footer { color: #7a808a; font-size: 12px; margin-top: 24px; }
`;
