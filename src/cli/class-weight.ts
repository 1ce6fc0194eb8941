// --class-weight: 'balanced' or a map of class label → weight, as fit's classWeight (an array indexed by
// class). balanced is scikit-learn's n_samples / (n_classes · n_c) over the training rows (of every rank
// in a distributed run, so all ranks weigh alike).

import type { DistributedContext } from '../backend/mpi-context.js';
import type { Matrix } from '../data/matrix.js';
import type { TargetInfo } from '../data/preprocessing/target-info.js';
import { printable } from '../util/printable.js';
import { sumAcross } from './distributed/collectives.js';
import { UsageError } from './errors.js';
import type { TrainConfig } from './train-config.js';

/**
 * The weight of each class (indexed as target.labels) for `y`, the training rows' class indices; null
 * without --class-weight. Collective in a distributed run with 'balanced'.
 * @throws UsageError for a regression target, or a label that is not a class of the training data.
 */
export function classWeights(given: TrainConfig['classWeight'], target: TargetInfo, y: Matrix, dist?: DistributedContext): number[] | null {
  if (given === undefined) return null;
  const labels = target.labels;
  if (labels === null) throw new UsageError(`--class-weight needs a classification target; '${printable(target.name)}' is read as regression (weigh rows in the library with sampleWeight)`);
  if (given === 'balanced') {
    const local = new Array<number>(labels.length).fill(0);
    for (let r = 0; r < y.rows; r++) local[y.data[r]]++;
    const counts = dist === undefined ? local : sumAcross(dist, local);
    const rows = counts.reduce((a, b) => a + b, 0);
    // a class without training rows has no loss to weigh: 1 keeps the map finite
    return counts.map((c) => (c === 0 ? 1 : rows / (labels.length * c)));
  }
  const weights = new Array<number>(labels.length).fill(1);
  for (const [label, w] of Object.entries(given)) {
    const c = labels.indexOf(label);
    if (c < 0) {
      throw new UsageError(`--class-weight names the class '${printable(label)}', which the target '${printable(target.name)}' does not have (classes: ${labels.slice(0, 10).map(printable).join(', ')}${labels.length > 10 ? ', …' : ''})`);
    }
    weights[c] = w;
  }
  return weights;
}
