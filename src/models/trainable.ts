// The TrainableModel that a Sequential hands to training (trainModel, evaluateModel): its public surface
// plus the parts of its private runtime the run needs (compile state, busy flag, plan and arena), so
// training works on any model through one interface and never imports this directory.

import type { JsonObject } from '../io/json-value.js';
import type { TrainableModel } from '../training/trainable-model.js';
import { ConfigError } from '../util/errors.js';
import { requireCompiled, targetRule } from './model-checks.js';
import type { ModelRuntime } from './model-runtime.js';
import type { Sequential } from './sequential.js';

/** `model` as training sees it; `rt` is its runtime state. */
export function trainableModel(model: Sequential, rt: ModelRuntime): TrainableModel {
  return {
    backend: model.backend,
    seed: model.seed,
    callbackModel: model,
    get inputWidth() {
      return model.inputWidth ?? model.layers[0]?.inputShape?.[0] ?? null;
    },
    requireCompiled: (method) => void requireCompiled(rt.compiled, model.layers, method),
    targetRule: (inputWidth) => {
      if (rt.compiled === null) throw new ConfigError('The model is not compiled');
      return targetRule(model.layers, rt.compiled, inputWidth);
    },
    get customLossName() {
      return rt.compiled?.loss.custom?.name ?? null;
    },
    get customMetricNames() {
      return rt.compiled?.customMetrics.map((m) => m.name) ?? [];
    },
    requireIdle: (method) => rt.requireIdle(method),
    whileBusy: (fn) => rt.whileBusy(fn),
    build: (inputWidth) => void model.build(inputWidth),
    runtime: () => rt.trainingRuntime(model),
    toConfig: () => model.toConfig(),
    get params() {
      return model.params;
    },
    setParams: (values) => model.setParams(values),
    getOptimizerState: () => model.getOptimizerState(),
    setOptimizerState: (state) => model.setOptimizerState(state),
    get preprocessing(): JsonObject | null {
      return model.preprocessing;
    },
    set preprocessing(value: JsonObject | null) {
      model.preprocessing = value;
    },
  };
}
