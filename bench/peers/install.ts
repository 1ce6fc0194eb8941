// `npm run bench:peers`, step 1: installs the optional peers, then package.json runs the bench.
// Debian: python3-torch (PyTorch 1.13, CPU), python3-numpy and libopenblas0-pthread (numpy's sgemm through
// OpenBLAS). npm: @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm with --no-save (the wasm binaries ship
// in the package; --ignore-scripts: nothing runs or downloads at install). A failed install is reported
// and the bench runs anyway (that peer's rows then say 'not installed').

import { execFileSync } from 'node:child_process';

const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
function step(what: string, cmd: string, args: string[]): boolean {
  process.stderr.write(`[bench:peers] ${what}: ${cmd} ${args.join(' ')}\n`);
  try {
    execFileSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    return true;
  } catch (err) {
    process.stderr.write(`[bench:peers] ${what} failed: ${String(err).split('\n')[0]}\n`);
    return false;
  }
}

const apt = ['install', '-y', '--no-install-recommends', 'python3-torch', 'python3-numpy', 'libopenblas0-pthread'];
if (!step('Debian peers', 'apt-get', apt)) {
  step('apt index', 'apt-get', ['update']);
  step('Debian peers', 'apt-get', apt);
}
step('tfjs peers', 'npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']);
