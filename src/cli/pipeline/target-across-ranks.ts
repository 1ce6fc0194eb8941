// The target and task of a distributed run, decided alike on every rank: a categorical target's labels
// are the whole file's already (the shard's read merges them); a numeric target's distinct values are
// gathered from every rank, and the task and class numbers are decided on their union, so each rank
// numbers the classes as one process reading the whole file would.

import { allgatherJson, type DistributedContext } from '../../backend/mpi-context.js';
import type { Matrix } from '../../data/matrix.js';
import type { TrainConfig } from '../train-config.js';
import { decideTask, mapClassValues, mergeTargetValues, numericTarget, targetValues, type TargetInfo } from './target.js';

/**
 * decideTask over every rank's rows of the target (collective for a numeric target).
 * @throws as decideTask, on every rank alike.
 */
export function decideTaskAcrossRanks(ctx: DistributedContext, path: string, name: string, y: Matrix, labels: string[] | null, requested: TrainConfig['task']): { target: TargetInfo; y: Matrix } {
  if (labels !== null || requested === 'regression') return decideTask(path, name, y, labels, requested);
  const values = mergeTargetValues(allgatherJson(ctx, targetValues(y)));
  const target = numericTarget(path, name, values, requested);
  return { target, y: target.classValues === null ? y : mapClassValues(path, y, target.classValues, name) };
}
