// Stage 4 of the data pipeline: the preprocessing fitted on the training rows only, transforming them as
// it goes (scikit-learn's fit_transform). The scaler's statistics are those of the imputed values — a
// filled cell counts, at the fill value — so the imputer fills the training buffer before the scaler is
// fitted on it; each step then runs once over the buffer, in place. In a distributed run each fit covers
// every rank's training rows (fitImputer/fitScaler gather and merge them), so all ranks transform alike.

import { fitImputer, fitScaler, Imputer, scalers } from '../../data/preprocess/index.js';
import type { TrainConfig } from '../train-config.js';
import type { Rows } from './gather.js';
import { Preprocessor } from '../../data/preprocessing/index.js';
import type { DataSummary } from './read.js';

/**
 * Fits the imputer (when a column may miss values) and the scaler on the training rows and leaves
 * `train.x` as the model's inputs; for regression, fits a standard scaler of the target too, so the
 * default learning rates suit targets of any magnitude (predictions are mapped back). `train.y` is left
 * as it is: the model's targets are `pre.targets(train.y)`. With `distributed`, on every rank's training
 * rows (collective).
 * @throws DataError for ±Infinity in a categorical column (on every rank when on one).
 */
export function fitTransform(data: DataSummary, train: Rows, scale: TrainConfig['scale'], distributed = false): Preprocessor {
  const how = distributed ? { distributed: 'mpi' as const } : {};
  let imputer: Imputer | null = null;
  if (data.imputeColumns.length > 0) {
    const oneHotGroups = data.oneHotGroups.filter((g) => g.length >= 2);
    imputer = fitImputer(new Imputer({ categorical: data.indexColumns, oneHotGroups }), train.x, how);
    imputer.transform(train.x, train.x);
  }
  const exclude = [...data.oneHotGroups.flat(), ...data.indexColumns];
  const scaler = fitScaler(scalers[scale]({ exclude }), train.x, how);
  scaler.transform(train.x, train.x);
  const targetScaler = data.target.task === 'regression' ? fitScaler(scalers.standard(), train.y, how) : null;
  return new Preprocessor(data.target, data.schema, data.xColumns, imputer, scaler, targetScaler);
}
