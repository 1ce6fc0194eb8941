// The text table of Sequential.summary(): one row per layer with its output shape and weight count.

import type { Layer } from '../layers/layer.js';

export interface SummaryRow {
  name: string;
  type: string;
  outputShape: string;
  params: number;
  /** Of params, the weights no optimizer trains (batch normalization's running statistics). */
  fixed: number;
}

/** A layer's name as summary() and getWeights show it: its own, else `<type>_<index>`. */
export function layerDisplayName(layer: Layer, index: number): string {
  return layer.name ?? `${layer.type}_${index}`;
}

/** The number of weights of `layers` for `inputWidth` inputs: their real sizes, without the arena's alignment gaps. */
export function paramCountOf(layers: readonly Layer[], inputWidth: number): number {
  return summaryRows(layers, inputWidth).reduce((s, r) => s + r.params, 0);
}

/** Rows for a layer stack; widths are known only once the input width is. */
function summaryRows(layers: readonly Layer[], inputWidth: number | null): SummaryRow[] {
  let width = inputWidth;
  return layers.map((layer, i) => {
    const slots = width === null ? [] : layer.weightSlots(width);
    const params = width === null ? NaN : slots.reduce((sum, s) => sum + s.length, 0);
    const fixed = slots.reduce((sum, s) => sum + (s.trainable === false ? s.length : 0), 0);
    const out = width === null ? (layer.type === 'dense' ? layer.outputWidthFor(0) : null) : layer.outputWidthFor(width);
    width = out;
    return {
      name: layerDisplayName(layer, i),
      type: layer.type,
      outputShape: `[N, ${out ?? '?'}]`,
      params,
      fixed,
    };
  });
}

/** A Keras-like summary table. */
export function summaryText(modelName: string, layers: readonly Layer[], inputWidth: number | null): string {
  const rows = summaryRows(layers, inputWidth);
  const header = { name: 'Layer (type)', shape: 'Output shape', params: 'Params' };
  const cells = rows.map((r) => ({ name: `${r.name} (${r.type})`, shape: r.outputShape, params: Number.isNaN(r.params) ? '?' : String(r.params) }));
  const w0 = Math.max(header.name.length, ...cells.map((c) => c.name.length));
  const w1 = Math.max(header.shape.length, ...cells.map((c) => c.shape.length));
  const w2 = Math.max(header.params.length, ...cells.map((c) => c.params.length));
  const line = (a: string, b: string, c: string) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c.padStart(w2)}`;
  const rule = '-'.repeat(w0 + w1 + w2 + 4);
  const total = rows.reduce((s, r) => s + r.params, 0);
  const fixed = rows.reduce((s, r) => s + r.fixed, 0);
  return [
    `Model: ${modelName}`,
    rule,
    line(header.name, header.shape, header.params),
    rule,
    ...cells.map((c) => line(c.name, c.shape, c.params)),
    rule,
    `Total params: ${Number.isNaN(total) ? '? (input width not known yet)' : total}`,
    ...(fixed > 0 ? [`Non-trainable params: ${fixed} (batch normalization's running statistics)`] : []),
  ].join('\n');
}
