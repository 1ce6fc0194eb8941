// Shape checks of a fit's or an evaluation's data against the model, before any work: a Dataset's widths,
// and fit's validationData given as [x, y] (its values are scanned later, with the training data's).

import type { Dataset } from '../data/dataset.js';
import type { Matrix } from '../data/matrix.js';
import { toInputMatrix, toTargetMatrix, type TargetRule } from '../data/validate-data.js';
import { LayerKind } from '../backend/codes.js';
import type { PlanSpec } from '../backend/contract.js';
import { ConfigError, ShapeError } from '../util/errors.js';

/** Returns `dataset`. @throws ShapeError when its input or target width does not fit the model. */
export function checkDataset(dataset: Dataset, width: number, rule: TargetRule, name: string): Dataset {
  if (dataset.inputWidth !== width) throw new ShapeError(`${name} has inputs of width ${dataset.inputWidth} but the model expects ${width}`);
  if (dataset.targetWidth !== rule.labelWidth) {
    throw new ShapeError(`${name} has targets of width ${dataset.targetWidth} but ${rule.lossName} needs ${rule.labelWidth} per row`);
  }
  return dataset;
}

/** fit's validationData [x, y] as matrices, shapes checked (values are scanned later). */
export function validationMatrices(vd: [unknown, unknown], width: number, rule: TargetRule): { x: Matrix; y: Matrix } {
  const x = toInputMatrix(vd[0], width, 'validationData[0] (x)', false);
  return { x, y: toTargetMatrix(vd[1], x.rows, rule, 'validationData[1] (y)', false) };
}

/**
 * A model with batch normalization needs at least 2 rows in every training batch (PyTorch: "Expected more
 * than 1 value per channel when training"): checked for `rows` rows in batches of `batchSize`.
 * @throws ConfigError naming the batch size and the row count when a batch would have one row.
 */
export function checkBatchRows(spec: PlanSpec, rows: number, batchSize: number): void {
  if (!spec.layers.some((l) => l.kind === LayerKind.batchNorm)) return;
  const last = rows % batchSize;
  if (Math.min(batchSize, rows) === 1 || last === 1) {
    throw new ConfigError(
      `batchNormalization needs more than 1 row in every training batch (batch statistics of one row are undefined), but batchSize ${batchSize} over ${rows} training rows leaves a batch of 1 row: choose another batchSize`,
    );
  }
}
