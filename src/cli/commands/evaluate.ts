// `nntrain evaluate MODEL DATA.csv [--json]`: the model's metrics on a labeled file read through the
// model's own preprocessing — one `name: value` line per headline metric, then the per-class report and
// confusion matrix (classification) or the regression table; --json prints all of it as one object.
// With --weight-column, that column's per-row weights also give weighted headline lines (weighted.ts).

import { MissingCounter, describeMissing } from '../../data/preprocessing/index.js';
import { formatEvaluation, formatMetricValue, headlineMetrics, headlineValues, weightedHeadline } from '../../evaluation/index.js';
import { checkFiniteOutputs, loadPredictor } from '../../models/predictor.js';
import { readLabeledData } from '../pipeline/index.js';
import { jsonLine } from '../output.js';
import { stdoutIsTheProduct } from '../stdio.js';
import { unknownFlag } from './scoring-flags.js';
import { evaluateOutputs } from '../trainer.js';
import { runtimeOptions, type RuntimeFlags } from './runtime-flags.js';
import { checkLaunch } from '../distributed/launch.js';

export interface EvaluateFlags extends RuntimeFlags {
  json?: boolean;
  unknown?: string;
  weightColumn?: string;
}

export async function evaluateCommand(modelPath: string, dataPath: string, flags: EvaluateFlags): Promise<void> {
  checkLaunch('evaluate', false);
  const { backend } = runtimeOptions(flags);
  const unknown = unknownFlag(flags.unknown);
  stdoutIsTheProduct();
  const predictor = await loadPredictor(modelPath, backend !== undefined ? { backend } : {});
  const { pre } = predictor;
  const data = await readLabeledData(dataPath, pre.schema, pre.target, { backend, unknown: unknown ?? pre.unknown, weightColumn: flags.weightColumn });
  const missing = new MissingCounter(pre.schema);
  missing.add(data.x);
  const imputed = missing.result();
  const outputs = await predictor.predictMatrix(data.x);
  checkFiniteOutputs(outputs, 0, dataPath, modelPath);
  const result = evaluateOutputs(outputs, pre.target, data.y);
  const weighted = data.w === null ? null : weightedHeadline(outputs, data.y, data.w, pre.target.task === 'regression' ? 'regression' : 'classification');
  if (flags.json === true) {
    const out = {
      model: modelPath,
      kind: predictor.kind,
      data: dataPath,
      rows: data.rows,
      dropped_rows: data.droppedRows,
      imputed,
      target: pre.target.name,
      task: pre.target.task,
      metrics: { ...headlineValues(result), ...weighted },
      ...(flags.weightColumn !== undefined ? { weight_column: flags.weightColumn } : {}),
      evaluation: result,
    };
    process.stdout.write(`${jsonLine(out)}\n`);
    return;
  }
  for (const line of headlineMetrics(result)) process.stdout.write(`${line}\n`);
  for (const [name, value] of Object.entries(weighted ?? {})) process.stdout.write(`${name}: ${formatMetricValue(value)}\n`);
  const dropped = data.droppedRows > 0 ? `, ${data.droppedRows} rows without a target skipped` : '';
  const filled = describeMissing(imputed);
  process.stdout.write(`\n${data.rows} rows of ${dataPath}${dropped}; target '${pre.target.name}'\n${filled === null ? '' : `imputed: ${filled}\n`}\n${formatEvaluation(result)}\n`);
}
