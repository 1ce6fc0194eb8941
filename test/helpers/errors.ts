// Assertions on the typed errors nntrain throws.

import { expect } from 'vitest';
import { ConfigError } from '../../src/util/errors.js';

/** `fn` throws a ConfigError (code ERR_NNTRAIN_CONFIG) whose message is exactly `message`. */
export function expectConfigError(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  expect((caught as ConfigError).code).toBe('ERR_NNTRAIN_CONFIG');
  expect((caught as ConfigError).message).toBe(message);
}
