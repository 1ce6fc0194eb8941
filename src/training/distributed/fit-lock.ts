// One distributed fit at a time per process: two fits' collectives would interleave on the same
// communicator and pair up wrongly across ranks.

import { ConfigError } from '../../util/errors.js';

let fitRunning = false;

/**
 * Marks a distributed fit as running in this process until the returned release is called.
 * @throws ConfigError while another one runs: their collectives would interleave.
 */
export function acquireFit(): () => void {
  if (fitRunning) {
    throw new ConfigError("Another distributed fit is running in this process; run distributed fits one after another (their MPI collectives must not interleave)");
  }
  fitRunning = true;
  return () => {
    fitRunning = false;
  };
}
