// Name resolution of activations, losses and regularizers: defaults, codes, validation messages and
// round trips through their config forms.

import { describe, expect, it } from 'vitest';
import { Activation, Loss } from '../../src/backend/codes.js';
import { ACTIVATION_NAMES, activationToConfig, resolveActivation } from '../../src/layers/activations.js';
import { LOSS_NAMES, losses, lossToConfig, resolveLoss } from '../../src/losses/index.js';
import { L1L2, type Regularizer, regularizerFromConfig, regularizers, resolveRegularizer } from '../../src/regularizers/index.js';

import { expectConfigError } from '../helpers/errors.js';

describe('resolveActivation', () => {
  it('maps every name to its code; undefined is linear', () => {
    expect(ACTIVATION_NAMES).toEqual(Object.keys(Activation));
    for (const name of ACTIVATION_NAMES) {
      const a = resolveActivation('activation', name);
      expect(a.name).toBe(name);
      expect(a.code).toBe(Activation[name]);
    }
    expect(resolveActivation('activation', undefined)).toEqual({ name: 'linear', code: Activation.linear, param: 0 });
    expect(resolveActivation('activation', null)).toEqual({ name: 'linear', code: Activation.linear, param: 0 });
  });

  it('alpha defaults: leakyRelu 0.01 (PyTorch), elu 1.0; others 0', () => {
    expect(resolveActivation('activation', 'leakyRelu').param).toBe(0.01);
    expect(resolveActivation('activation', 'elu').param).toBe(1.0);
    expect(resolveActivation('activation', 'relu').param).toBe(0);
    expect(resolveActivation('activation', { name: 'leakyRelu', alpha: 0.2 })).toEqual({ name: 'leakyRelu', code: Activation.leakyRelu, param: 0.2 });
    expect(resolveActivation('activation', { name: 'elu' }).param).toBe(1.0);
    expect(resolveActivation('activation', { name: 'tanh' })).toEqual({ name: 'tanh', code: Activation.tanh, param: 0 });
  });

  it("gelu's approximate (PyTorch): 'tanh' is the geluTanh code, 'none' the exact erf form", () => {
    expect(resolveActivation('activation', { name: 'gelu', approximate: 'tanh' })).toEqual({ name: 'geluTanh', code: Activation.geluTanh, param: 0 });
    expect(resolveActivation('activation', { name: 'gelu', approximate: 'none' })).toEqual({ name: 'gelu', code: Activation.gelu, param: 0 });
    expect(resolveActivation('activation', 'geluTanh').code).toBe(Activation.geluTanh);
  });

  it.each<[string, unknown, string]>([
    ['typo', 'rleu', "Unknown activation 'rleu'. Did you mean 'relu'? Expected one of: linear, relu, leakyRelu, elu, gelu, silu, tanh, sigmoid, softplus, softmax, geluTanh"],
    ['snake case', { name: 'leaky_relu' }, "Unknown activation 'leaky_relu'. Did you mean 'leakyRelu'? Expected one of: linear, relu, leakyRelu, elu, gelu, silu, tanh, sigmoid, softplus, softmax, geluTanh"],
    ['negative alpha', { name: 'leakyRelu', alpha: -0.1 }, 'Expected number >= 0 for activation.alpha but received -0.1'],
    ['alpha on relu', { name: 'relu', alpha: 0.1 }, "alpha applies only to leakyRelu and elu, not to activation 'relu'"],
    ['unknown key', { name: 'elu', alhpa: 0.5 }, "Unknown option 'alhpa' for activation. Did you mean 'alpha'? Valid options: name, alpha, approximate"],
    ['a number', 3, "Expected an activation name, { name, alpha } or { name: 'gelu', approximate } for activation but received 3"],
    ['approximate on silu', { name: 'silu', approximate: 'tanh' }, "approximate applies only to gelu, not to activation 'silu'"],
    ['approximate typo', { name: 'gelu', approximate: 'tahn' }, "Unknown activation.approximate 'tahn'. Did you mean 'tanh'? Expected one of: none, tanh"],
    ['approximate with alpha', { name: 'gelu', approximate: 'none', alpha: 1 }, "alpha applies only to leakyRelu and elu, not to activation 'gelu'"],
  ])('%s', (_label, value, message) => expectConfigError(() => resolveActivation('activation', value), message));

  it('activationToConfig round-trips', () => {
    for (const value of ['relu', 'softmax', { name: 'leakyRelu', alpha: 0.3 }, { name: 'elu', alpha: 0.7 }, 'leakyRelu', { name: 'gelu', approximate: 'tanh' }, undefined]) {
      const a = resolveActivation('activation', value);
      const config = JSON.parse(JSON.stringify(activationToConfig(a))) as unknown;
      expect(resolveActivation('activation', config)).toEqual(a);
    }
    expect(activationToConfig(resolveActivation('activation', 'gelu'))).toBe('gelu');
    expect(activationToConfig(resolveActivation('activation', 'geluTanh'))).toEqual({ name: 'gelu', approximate: 'tanh' });
    expect(activationToConfig(resolveActivation('activation', 'leakyRelu'))).toEqual({ name: 'leakyRelu', alpha: 0.01 });
  });
});

describe('resolveLoss', () => {
  it('maps every name to its code with defaults', () => {
    expect(LOSS_NAMES).toEqual(Object.keys(Loss));
    for (const name of LOSS_NAMES) {
      expect(resolveLoss(name)).toEqual({ name, code: Loss[name], delta: name === 'huber' ? 1.0 : 0, fromLogits: false });
    }
  });

  it('takes { name, delta } for huber and { name, fromLogits } for the cross-entropies', () => {
    expect(resolveLoss({ name: 'huber', delta: 0.5 })).toEqual({ name: 'huber', code: Loss.huber, delta: 0.5, fromLogits: false });
    expect(resolveLoss({ name: 'sparseCategoricalCrossentropy', fromLogits: true }).fromLogits).toBe(true);
    expect(resolveLoss({ name: 'binaryCrossentropy', fromLogits: false }).fromLogits).toBe(false);
    expect(resolveLoss({ name: 'mse' })).toEqual({ name: 'mse', code: Loss.mse, delta: 0, fromLogits: false });
  });

  it.each<[string, unknown, string]>([
    ['typo', 'mes', "Unknown loss 'mes'. Did you mean 'mse'? Expected one of: mse, mae, huber, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy"],
    [
      'lower case',
      'binarycrossentropy',
      "Unknown loss 'binarycrossentropy'. Did you mean 'binaryCrossentropy'? Expected one of: mse, mae, huber, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy",
    ],
    ['delta 0', { name: 'huber', delta: 0 }, 'Expected number > 0 for delta but received 0'],
    ['delta on mse', { name: 'mse', delta: 1 }, "delta applies only to huber, not to loss 'mse'"],
    [
      'fromLogits on mae',
      { name: 'mae', fromLogits: true },
      "fromLogits applies only to binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy, not to loss 'mae'",
    ],
    ['fromLogits type', { name: 'binaryCrossentropy', fromLogits: 1 }, 'Expected boolean for fromLogits but received 1'],
    ['unknown key', { name: 'huber', detla: 2 }, "Unknown option 'detla' for loss. Did you mean 'delta'? Valid options: name, delta, fromLogits"],
    ['nothing', undefined, 'Expected a loss name or { name, delta?, fromLogits? } for loss but received undefined'],
  ])('%s', (_label, value, message) => expectConfigError(() => resolveLoss(value), message));

  it('losses factories return configs that resolve; lossToConfig round-trips', () => {
    expect(losses.huber()).toEqual({ name: 'huber', delta: 1.0 });
    expect(losses.huber({ delta: 2 })).toEqual({ name: 'huber', delta: 2 });
    expect(losses.binaryCrossentropy({ fromLogits: true })).toEqual({ name: 'binaryCrossentropy', fromLogits: true });
    expect(losses.categoricalCrossentropy()).toEqual({ name: 'categoricalCrossentropy', fromLogits: false });
    expect(losses.mse()).toEqual({ name: 'mse' });
    expectConfigError(() => losses.huber({ delta: -1 }), 'Expected number > 0 for delta but received -1');
    expectConfigError(
      () => losses.sparseCategoricalCrossentropy({ logits: true } as unknown as { fromLogits: boolean }),
      "Unknown option 'logits' for losses.sparseCategoricalCrossentropy. Valid options: fromLogits",
    );
    const configs = [losses.mse(), losses.mae(), losses.huber({ delta: 0.3 }), losses.sparseCategoricalCrossentropy({ fromLogits: true }), losses.binaryCrossentropy()];
    for (const config of configs) {
      const l = resolveLoss(config);
      expect(resolveLoss(JSON.parse(JSON.stringify(lossToConfig(l))))).toEqual(l);
    }
    expect(lossToConfig(resolveLoss('mse'))).toBe('mse');
    expect(lossToConfig(resolveLoss('categoricalCrossentropy'))).toBe('categoricalCrossentropy');
  });
});

describe('regularizers', () => {
  it('factories with Keras defaults', () => {
    expect(regularizers.l1().getConfig()).toEqual({ name: 'l1l2', l1: 0.01, l2: 0 });
    expect(regularizers.l2().getConfig()).toEqual({ name: 'l1l2', l1: 0, l2: 0.01 });
    expect(regularizers.l2(1e-4).getConfig()).toEqual({ name: 'l1l2', l1: 0, l2: 1e-4 });
    expect(regularizers.l1l2().getConfig()).toEqual({ name: 'l1l2', l1: 0, l2: 0 });
    expect(regularizers.l1l2({ l1: 0.1, l2: 0.2 })).toMatchObject({ l1: 0.1, l2: 0.2 });
  });

  it('resolveRegularizer: nothing, a Regularizer, {l1, l2}, a config, a name', () => {
    expect(resolveRegularizer('kernelRegularizer', undefined)).toEqual({ l1: 0, l2: 0 });
    expect(resolveRegularizer('kernelRegularizer', null)).toEqual({ l1: 0, l2: 0 });
    expect(resolveRegularizer('kernelRegularizer', regularizers.l1(0.5))).toEqual({ l1: 0.5, l2: 0 });
    expect(resolveRegularizer('kernelRegularizer', { l2: 0.3 })).toEqual({ l1: 0, l2: 0.3 });
    expect(resolveRegularizer('kernelRegularizer', { name: 'l1l2', l1: 0.1, l2: 0.2 })).toEqual({ l1: 0.1, l2: 0.2 });
    expect(resolveRegularizer('kernelRegularizer', 'l2')).toEqual({ l1: 0, l2: 0.01 });
    const custom: Regularizer = { l1: 0.4, l2: 0.5, getConfig: () => ({ name: 'l1l2', l1: 0.4, l2: 0.5 }) };
    expect(resolveRegularizer('biasRegularizer', custom)).toEqual({ l1: 0.4, l2: 0.5 });
    // a fresh object each time: the caller may keep it in a plan
    const r = regularizers.l2(0.1);
    const spec = resolveRegularizer('kernelRegularizer', r);
    spec.l2 = 9;
    expect(r.l2).toBe(0.1);
  });

  it.each<[string, () => unknown, string]>([
    ['negative l2', () => regularizers.l2(-1), 'Expected number >= 0 for l2 but received -1'],
    ['NaN l1', () => regularizers.l1(NaN), 'Expected number >= 0 for l1 but received NaN'],
    ['l1l2 key', () => regularizers.l1l2({ l3: 1 } as unknown as object), "Unknown option 'l3' for regularizers.l1l2. Did you mean 'l1'? Valid options: l1, l2"],
    ['plain object value', () => resolveRegularizer('kernelRegularizer', { l1: -0.1 }), 'Expected number >= 0 for kernelRegularizer.l1 but received -0.1'],
    ['plain object key', () => resolveRegularizer('kernelRegularizer', { l2: 0.1, weight: 1 }), "Unknown option 'weight' for kernelRegularizer. Valid options: name, l1, l2"],
    ['name', () => resolveRegularizer('kernelRegularizer', 'l3'), "Unknown kernelRegularizer 'l3'. Did you mean 'l1'? Expected one of: l1, l2, l1l2"],
    ['a number', () => resolveRegularizer('kernelRegularizer', 0.01), 'Expected a regularizer, { l1, l2 } or undefined for kernelRegularizer but received 0.01'],
  ])('%s', (_label, fn, message) => expectConfigError(fn, message));

  it('regularizerFromConfig round-trips', () => {
    const r = regularizers.l1l2({ l1: 0.02, l2: 0.03 });
    const again = regularizerFromConfig(JSON.parse(JSON.stringify(r.getConfig())));
    expect(again).toBeInstanceOf(L1L2);
    expect(again.getConfig()).toEqual(r.getConfig());
  });
});
