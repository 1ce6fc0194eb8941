#!/usr/bin/env node
// The `nntrain` command: wiring only. Each command lives in commands/ and is imported when it runs, so
// help and usage errors answer without loading the library; the training options come from
// option-table.ts. Exit codes: 0 ok, 1 failure, 2 usage, 3 model saved but not its report, 130/143
// interrupted (see help.ts).

import { Command, CommanderError } from 'commander';
import type { EvaluateFlags } from './commands/evaluate.js';
import type { ExportFlags } from './commands/export.js';
import type { InfoFlags } from './commands/info.js';
import type { PredictFlags } from './commands/predict.js';
import { closest } from '../util/validate.js';
import { rankPrefix } from './distributed/launch.js';
import { errorLine, EXIT, exitCodeOf, UsageError } from './errors.js';
import { checkpointNote, interrupted, removeOutputs, SIGNAL_EXIT, watchSignals } from './interrupt.js';
import { productLost, settleStdout, stdoutIsTheProduct, watchStdio, writeError } from './stdio.js';
import { addRuntimeFlags, addTrainingOptions, valueOption } from './flags.js';
import { commandHelp, ROOT_HELP } from './help.js';

function usageStyle(cmd: Command): Command {
  return cmd
    .exitOverride()
    .showHelpAfterError(`(run '${cmd.name() === 'nntrain' ? 'nntrain' : `nntrain ${cmd.name()}`} --help' for the options)`)
    .configureOutput({ outputError: (text, write) => write(`nntrain: ${rankPrefix()}${text.replace(/^error: /, '')}`) });
}

const program = usageStyle(new Command('nntrain'))
  .description('Train, evaluate and use neural networks (multilayer perceptrons) on CSV files')
  .option('-v, --version', 'print the version and the backend and SIMD kernel in use')
  .argument('[command]')
  .allowExcessArguments() // `nntrain trian data.csv` is reported as an unknown command, not as extra arguments
  .addHelpText('after', ROOT_HELP)
  .action(async (command: string | undefined, options: { version?: boolean }) => {
    if (command !== undefined) throw unknownCommand(command);
    if (options.version !== true) program.help({ error: true });
    const { versionInfo, versionText } = await import('./commands/info.js');
    stdoutIsTheProduct();
    process.stdout.write(`${versionText(versionInfo())}\n`);
  });

function unknownCommand(name: string): UsageError {
  const names = program.commands.map((c) => c.name());
  const hint = closest(name, names);
  return new UsageError(`unknown command '${name}'.${hint ? ` Did you mean '${hint}'?` : ''} Commands: ${names.join(', ')}`);
}

type Run = (data: string | undefined, cmd: Command) => Promise<void>;
const trainingCommands: readonly (readonly ['train' | 'cv' | 'tune' | 'ensemble', string, () => Promise<Run>])[] = [
  ['train', 'train a model on a CSV file and save it with its report', async () => (await import('./commands/train.js')).trainCommand],
  ['cv', 'k-fold cross-validation: mean ± std of each metric', async () => (await import('./commands/cv.js')).cvCommand],
  ['tune', 'grid or random search of options on a validation split; saves the best model', async () => (await import('./commands/tune.js')).tuneCommand],
  ['ensemble', 'train N models with different seeds and average their predictions', async () => (await import('./commands/ensemble.js')).ensembleCommand],
];

for (const [name, description, run] of trainingCommands) {
  const cmd = usageStyle(program.command(name))
    .description(description)
    .argument('[data]', `the CSV file: .csv.gz too, - for stdin, or a quoted glob of files read as one (default: the config file's "data"${name === 'train' ? ", or with --resume the checkpointed run's" : ''})`)
    .addHelpText('after', commandHelp(name))
    .action(async (data: string | undefined, _options: unknown, self: Command) => (await run())(data, self));
  addTrainingOptions(cmd, name);
}

const evaluate = usageStyle(program.command('evaluate'))
  .description('metrics of a model (or ensemble) on a labeled CSV file')
  .argument('<model>', 'a model file or ensemble manifest written by train')
  .argument('<data>', 'a CSV file with the target column (.csv.gz too, - for stdin, or a quoted glob)')
  .option('--json', 'print one JSON object with every metric')
  .addOption(valueOption('--unknown <policy>', "a category training never saw: error, or ignore (its one-hot columns all 0) (default: the model's, from train --unknown)"))
  .addOption(valueOption('--weight-column <column>', 'a column of per-row weights (numbers >= 0): also print weighted_accuracy (classes) or weighted_mse, weighted_rmse, weighted_mae'))
  .addHelpText('after', commandHelp('evaluate'))
  .action(async (model: string, data: string, flags: EvaluateFlags) => (await import('./commands/evaluate.js')).evaluateCommand(model, data, flags));
addRuntimeFlags(evaluate);

const predict = usageStyle(program.command('predict'))
  .description('stream predictions for a CSV file (class and probabilities, or values)')
  .argument('<model>', 'a model file or ensemble manifest written by train')
  .argument('<data>', 'a CSV file with the model\'s input columns, the target may be absent (.csv.gz too, - for stdin, or a quoted glob)')
  .addOption(valueOption('--out <pred.csv>', 'the output CSV file (default: standard output)'))
  .addOption(valueOption('--keep <columns>', 'input columns copied into the output before the predictions, as the file holds them (comma-separated; may repeat)', true))
  .addOption(valueOption('--unknown <policy>', "a category training never saw: error, or ignore (its one-hot columns all 0) (default: the model's, from train --unknown)"))
  .addOption(valueOption('--chunk-rows <n>', 'rows read and predicted at a time (default: 8192)'))
  .addOption(valueOption('--log-format <format>', 'text or json (the summary line)'))
  .addHelpText('after', commandHelp('predict'))
  .action(async (model: string, data: string, flags: PredictFlags) => (await import('./commands/predict.js')).predictCommand(model, data, flags));
addRuntimeFlags(predict);

const info = usageStyle(program.command('info'))
  .description('the version, backend and SIMD kernel; with MODEL, what the model file holds')
  .argument('[model]', 'a model file, checkpoint or ensemble manifest')
  .option('--json', 'print one JSON object')
  .addHelpText('after', commandHelp('info'))
  .action(async (model: string | undefined, flags: InfoFlags) => (await import('./commands/info.js')).infoCommand(model, flags));
addRuntimeFlags(info);

const exportCmd = usageStyle(program.command('export'))
  .description('write a model file as an ONNX model (opset 17) for onnxruntime and other runtimes')
  .argument('<model>', 'a model file written by train')
  .addOption(valueOption('--onnx <out.onnx>', 'the ONNX file to write'))
  .option('--no-preprocessing', "leave the saved imputer and scalers out: the ONNX model then takes the network's own (scaled, complete) inputs")
  .addHelpText('after', commandHelp('export'))
  .action(async (model: string, flags: ExportFlags) => (await import('./commands/export.js')).exportCommand(model, flags));
addRuntimeFlags(exportCmd);

// a closed stdout/stderr drops output without ending the job; SIGINT/SIGTERM stop it cleanly
watchStdio();
watchSignals();

try {
  await program.parseAsync(process.argv);
  process.exitCode = EXIT.ok;
} catch (err) {
  const signal = interrupted();
  if (signal !== null) {
    const removed = await removeOutputs();
    writeError(`nntrain: ${rankPrefix()}interrupted by ${signal}${removed.length > 0 ? `; removed this run's ${removed.join(', ')}` : ''}${checkpointNote()}`);
    process.exitCode = SIGNAL_EXIT[signal];
  } else if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    writeError(`nntrain: ${rankPrefix()}${errorLine(err)}`); // under mpirun: which process failed
    process.exitCode = exitCodeOf(err);
  }
}
await settleStdout();
if (process.exitCode === EXIT.ok && productLost()) {
  writeError('nntrain: standard output was closed before all of the output was written to it (EPIPE): the output is incomplete');
  process.exitCode = EXIT.failure;
}
