#!/usr/bin/env node
// The `nntrain` command. This first version reports the version and the active backend; training,
// evaluation and prediction commands come with the command-line issue.
// Exit codes: 0 ok, 1 failure, 2 usage.

import { Command, CommanderError } from 'commander';
import { getBackend, nativeAvailable } from '../backend/index.js';
import { packageVersion } from '../util/package-info.js';

const pkg = { version: packageVersion() };

function backendLine(name?: string): string {
  const info = getBackend(name).info();
  return `backend: ${info.name} (kernel ${info.kernel}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`;
}

const program = new Command()
  .name('nntrain')
  .description('Train neural networks (multilayer perceptrons) from Node.js')
  .version(`nntrain ${pkg.version}`, '-v, --version', 'print the version')
  .exitOverride();

program
  .command('info')
  .description('print the version and which backend and kernels are in use')
  .option('--backend <name>', 'native or js (default: native, falling back to js)')
  .action((options: { backend?: string }) => {
    console.log(`nntrain ${pkg.version}`);
    console.log(`native addon: ${nativeAvailable() ? 'loaded' : 'unavailable'}`);
    console.log(backendLine(options.backend));
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  console.error(`nntrain: ${(err as Error).message}`);
  process.exit(1);
}
