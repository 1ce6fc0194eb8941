// Shape checks of a fit's or an evaluation's data against the model, before any work: a Dataset's widths,
// and fit's validationData given as [x, y] (its values are scanned later, with the training data's).

import type { Dataset } from '../data/dataset.js';
import type { Matrix } from '../data/matrix.js';
import { toInputMatrix, toTargetMatrix, type TargetRule } from '../data/validate-data.js';
import { ShapeError } from '../util/errors.js';

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
