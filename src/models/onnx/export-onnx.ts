// Sequential → ONNX (opset 17, IR version 8): one Gemm per dense layer (B = the kernel as stored,
// inputs × units, so transB = 0; C = the bias when the layer has one), its activation's nodes
// (activation-nodes.ts), standalone activations likewise; batch normalization as BatchNormalization in
// its inference form (the running statistics), layer normalization as LayerNormalization (axis -1);
// dropout and Gaussian noise are identities at inference and are left out. A command-line model's imputer, scaler and target scaler are folded in
// around the network (preprocessing-nodes.ts). Input 'features' (rows × inputs); output 'probabilities'
// when the model ends in softmax or sigmoid, else 'output'. Opset 17: the newest that Debian's ONNX
// checker (1.12) knows, read by every onnxruntime since 1.12 and by most other runtimes.

import { imputerFromJSON, scalerFromJSON, type Imputer, type Scaler } from '../../data/preprocess/index.js';
import { PREPROCESSING_FORMAT, Preprocessor, type SavedPreprocessing } from '../../data/preprocessing/index.js';
import type { JsonObject } from '../../io/json-value.js';
import { writeOnnxFile } from '../../io/onnx/onnx-file.js';
import { OnnxType, type OnnxAttribute, type OnnxModel } from '../../io/onnx/onnx-model.js';
import type { ResolvedActivation } from '../../layers/activations.js';
import type { ActivationLayer, BatchNormalization, Dense, Layer, LayerNormalization } from '../../layers/index.js';
import type { WeightTensor } from '../../layers/weight-values.js';
import { ConfigError } from '../../util/errors.js';
import { packageVersion } from '../../util/package-info.js';
import { checkBoolean, invalid, isString, readOptions } from '../../util/validate.js';
import { activationNodes } from './activation-nodes.js';
import { GraphBuilder } from './graph-builder.js';
import { imputeNodes, scaleNodes, unscaleNodes } from './preprocessing-nodes.js';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const ONNX_INPUT = 'features';

/** Options of `model.exportOnnx(path, options)`. */
export interface OnnxExportOptions {
  /** Fold a command-line model's saved imputer, scaler and target scaler into the graph. Default true. */
  preprocessing?: boolean;
  /** Names of the input columns, stored in the metadata as JSON under 'columns'. Default: a command-line model's columns; none otherwise. */
  columns?: string[];
}

/** What the exporter reads of a model (Sequential). */
export interface ExportableModel {
  readonly name: string;
  readonly layers: Layer[];
  readonly inputWidth: number | null;
  readonly preprocessing: JsonObject | null;
  getWeights(): Promise<WeightTensor[]>;
}

interface Folded {
  imputer: Imputer | null;
  scaler: Scaler;
  targetScaler: Scaler | null;
  saved: SavedPreprocessing;
}

/**
 * The ONNX model of `model` (built; its weights read between two steps when a fit runs).
 * @throws ConfigError for a model that is not built, a bad option, or columns that do not match the input width.
 */
export async function onnxModelOf(model: ExportableModel, options: OnnxExportOptions = {}): Promise<OnnxModel> {
  const o = readOptions<OnnxExportOptions>('exportOnnx', options, ['preprocessing', 'columns']);
  const usePre = o.preprocessing === undefined ? true : checkBoolean('preprocessing', o.preprocessing);
  const weights = await model.getWeights(); // builds a model whose first layer declares inputShape
  const width = model.inputWidth;
  if (width === null) throw new ConfigError('exportOnnx needs a built model: give the first layer inputShape, or build/fit it first');
  const folded = usePre ? foldedPreprocessing(model.preprocessing) : null;
  const columns = checkColumns(o.columns ?? folded?.saved.xColumns, width);

  const b = new GraphBuilder();
  let x = ONNX_INPUT;
  if (folded?.imputer) x = imputeNodes(b, folded.imputer, x);
  if (folded) x = scaleNodes(b, folded.scaler, x, 'scaler');
  let next = 0;
  let last: ResolvedActivation | null = null;
  let units = width;
  model.layers.forEach((layer, i) => {
    const type = layer.type;
    switch (type) {
      case 'dense': {
        const d = layer as Dense;
        const kernel = weights[next++];
        const inputs = [x, b.tensor(`${kernel.name}`, [...kernel.shape], kernel.data)];
        if (d.useBias) {
          const bias = weights[next++];
          inputs.push(b.tensor(bias.name, [...bias.shape], bias.data));
        }
        x = activationNodes(b, d.activation, b.node('Gemm', inputs));
        last = d.activation;
        units = d.units;
        break;
      }
      case 'activation': {
        const a = (layer as ActivationLayer).activation;
        x = activationNodes(b, a, x);
        if (a.name !== 'linear') last = a;
        break;
      }
      case 'batchNormalization':
      case 'layerNormalization': {
        const eps = (layer as BatchNormalization | LayerNormalization).epsilon;
        const count = type === 'batchNormalization' ? 4 : 2; // gamma, beta (, movingMean, movingVariance)
        const inputs = [x, ...weights.slice(next, next + count).map((w) => b.tensor(w.name, [...w.shape], w.data))];
        next += count;
        const attributes: OnnxAttribute[] = [{ name: 'epsilon', kind: 'float', value: eps }];
        if (type === 'layerNormalization') attributes.push({ name: 'axis', kind: 'int', value: -1 });
        // inference form: BatchNormalization reads the running statistics (training_mode 0)
        x = b.node(type === 'batchNormalization' ? 'BatchNormalization' : 'LayerNormalization', inputs, attributes);
        break;
      }
      case 'dropout':
      case 'gaussianNoise':
        break; // identities at inference
      default: {
        const unhandled: never = type;
        throw new ConfigError(`exportOnnx: layer ${i} (${String(unhandled)}) has no ONNX form`);
      }
    }
  });
  if (folded?.targetScaler) x = unscaleNodes(b, folded.targetScaler, x, 'target_scaler');
  const lastName = (last as ResolvedActivation | null)?.name;
  const output = lastName === 'softmax' || lastName === 'sigmoid' ? 'probabilities' : 'output';
  if (x === ONNX_INPUT) x = b.node('Identity', [x]); // a model of no weights and no activation
  b.renameLastOutput(output);

  const metadata: [string, string][] = [['nntrain.model', model.name]];
  if (columns !== undefined) metadata.push(['columns', JSON.stringify(columns)]);
  if (folded) {
    const t = folded.saved.target;
    metadata.push(['target', t.name], ['task', t.task]);
    if (t.labels !== null) metadata.push(['labels', JSON.stringify(t.labels)]);
  }
  metadata.push(['preprocessing', folded ? foldedText(folded) : 'none']);
  return {
    irVersion: ONNX_IR_VERSION,
    opsetImports: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'nntrain',
    producerVersion: packageVersion(),
    docString: `nntrain model '${model.name}'`,
    graph: {
      name: model.name,
      docString: '',
      nodes: b.nodes,
      initializers: b.initializers,
      inputs: [{ name: ONNX_INPUT, elemType: OnnxType.float, shape: ['rows', width] }],
      outputs: [{ name: output, elemType: OnnxType.float, shape: ['rows', units] }],
    },
    metadata,
  };
}

/** Writes `model` to `path` as ONNX (see onnxModelOf). */
export async function exportOnnx(model: ExportableModel, path: string, options?: OnnxExportOptions): Promise<void> {
  if (!isString(path) || path === '') throw invalid('path', 'a file path', path);
  await writeOnnxFile(path, await onnxModelOf(model, options));
}

function foldedPreprocessing(json: JsonObject | null): Folded | null {
  if (json === null || json.format !== PREPROCESSING_FORMAT) return null; // an API model's own preprocessing is not read
  Preprocessor.fromJSON(json, 'the model'); // checks the whole record
  const saved = json as unknown as SavedPreprocessing;
  return {
    saved,
    imputer: saved.imputer === null ? null : imputerFromJSON(saved.imputer),
    scaler: scalerFromJSON(saved.scaler),
    targetScaler: saved.targetScaler === null ? null : scalerFromJSON(saved.targetScaler),
  };
}

function foldedText(f: Folded): string {
  const parts = [];
  if (f.imputer) parts.push('imputer (Where, IsNaN)');
  parts.push(`${f.scaler.kind} scaler (Sub, Div in float64)`);
  if (f.targetScaler) parts.push(`target ${f.targetScaler.kind} scaler on the output (Mul, Add in float64)`);
  return parts.join('; ');
}

function checkColumns(columns: unknown, width: number): string[] | undefined {
  if (columns === undefined) return undefined;
  if (!Array.isArray(columns) || !columns.every(isString)) throw invalid('columns', 'an array of column names', columns);
  if (columns.length !== width) throw new ConfigError(`exportOnnx: columns has ${columns.length} names but the model takes ${width} inputs`);
  return columns;
}
