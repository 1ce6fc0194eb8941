// One benchmark case in its own process: `node --import tsx bench/child.ts <case> '<json params>'`.
// Prints one `@@bench <json>` line (bench/lib/protocol.ts); an error exits non-zero with its message.

import { runCsv, type CsvParams } from './cases/csv.js';
import { runStream, type StreamParams } from './cases/stream.js';
import { runGemm, type GemmParams } from './cases/gemm.js';
import { runGemmBf16, type GemmBf16Params } from './cases/gemm-bf16.js';
import { runInfer, type InferParams } from './cases/infer.js';
import { runLag, runMemory } from './cases/loop.js';
import { runAccuracy, runTrain, type TrainParams } from './cases/train.js';
import { runAllreduce, runStep, type StepParams } from './cases/scaling.js';
import { runTfjs } from './peers/tfjs-wasm.js';
import { runCustomLoss, type CustomLossParams } from './cases/custom-loss.js';

const [name, json] = process.argv.slice(2);
const params: unknown = JSON.parse(json ?? '{}');
const cases: Record<string, (p: never) => Promise<void> | void> = {
  gemm: (p: GemmParams) => runGemm(p),
  'gemm-bf16': (p: GemmBf16Params) => runGemmBf16(p),
  train: (p: TrainParams) => runTrain(p),
  accuracy: runAccuracy,
  lag: runLag,
  memory: runMemory,
  tfjs: runTfjs,
  csv: (p: CsvParams) => runCsv(p),
  stream: (p: StreamParams) => runStream(p),
  step: (p: StepParams) => runStep(p),
  allreduce: (p: { bytes: number[]; minSeconds: number }) => runAllreduce(p),
  customLoss: (p: CustomLossParams) => runCustomLoss(p),
  infer: (p: InferParams) => runInfer(p),
};
const run = cases[name ?? ''];
if (run === undefined) throw new Error(`unknown case '${name}'; one of ${Object.keys(cases).join(', ')}`);
await (run as (p: unknown) => Promise<void> | void)(params);
