// `nntrain export MODEL --onnx OUT.onnx`: writes a model file as an ONNX model (Sequential.exportOnnx):
// the network with the saved imputer and scalers folded in (unless --no-preprocessing), the input
// columns and class names in its metadata. One line on stdout says what was written.

import { loadModel } from '../../models/load-model.js';
import { startsWithJson } from '../../models/ensemble-manifest.js';
import { ONNX_OPSET, onnxModelOf } from '../../models/onnx/index.js';
import { writeOnnxFile } from '../../io/onnx/onnx-file.js';
import { UsageError } from '../errors.js';
import { recordOutput } from '../interrupt.js';
import { checkOutputFile } from '../preflight.js';
import { stdoutIsTheProduct } from '../stdio.js';
import { runtimeOptions, type RuntimeFlags } from './runtime-flags.js';

export interface ExportFlags extends RuntimeFlags {
  onnx?: string;
  /** false with --no-preprocessing */
  preprocessing?: boolean;
}

export async function exportCommand(modelPath: string, flags: ExportFlags): Promise<void> {
  const { backend } = runtimeOptions(flags);
  const out = flags.onnx;
  if (out === undefined || out === '') throw new UsageError('export needs --onnx <out.onnx>: the file to write');
  if (await startsWithJson(modelPath)) throw new UsageError(`${modelPath} is an ensemble manifest: export each member model file on its own`);
  await checkOutputFile({ flag: '--onnx', replaces: 'any' }, out);
  stdoutIsTheProduct();
  const model = await loadModel(modelPath, backend !== undefined ? { backend } : {});
  const onnx = await onnxModelOf(model, { preprocessing: flags.preprocessing !== false });
  recordOutput(out);
  await writeOnnxFile(out, onnx);
  const shape = (v: { name: string; shape: (number | string | null)[] | null }) => `'${v.name}' [${(v.shape ?? []).join(', ')}]`;
  const folded = onnx.metadata.find(([k]) => k === 'preprocessing')?.[1] ?? 'none';
  const g = onnx.graph;
  process.stdout.write(`wrote ${out}: ONNX opset ${ONNX_OPSET}, ${g.nodes.length} nodes, input ${shape(g.inputs[0])}, output ${shape(g.outputs[0])}; preprocessing folded in: ${folded}\n`);
}
