// .onnx files: OnnxModel (onnx-model.ts) ⇄ ModelProto bytes, through protobufjs and ONNX's own schema
// (proto/onnx.proto, loaded once). Tensors are written as little-endian raw_data; float_data and
// double_data are read too, as other exporters write them.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { ModelFileError } from '../../util/errors.js';
import { packageRoot } from '../../util/package-info.js';
import { writeFileAtomic } from '../atomic-write.js';
import { OnnxType, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnx-model.js';

/** AttributeProto.AttributeType numbers (onnx.proto). */
const ATTR = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

let modelType: protobuf.Type | undefined;

function modelProto(): protobuf.Type {
  modelType ??= new protobuf.Root().loadSync(join(packageRoot(), 'proto', 'onnx.proto')).lookupType('onnx.ModelProto');
  return modelType;
}

/** The ModelProto bytes of `model`. */
export function encodeOnnx(model: OnnxModel): Uint8Array {
  const type = modelProto();
  const g = model.graph;
  const message = type.fromObject({
    irVersion: model.irVersion,
    opsetImport: model.opsetImports.map((o) => ({ domain: o.domain, version: o.version })),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    docString: model.docString,
    graph: {
      name: g.name,
      docString: g.docString,
      node: g.nodes.map(nodeToProto),
      initializer: g.initializers.map(tensorToProto),
      input: g.inputs.map(valueInfoToProto),
      output: g.outputs.map(valueInfoToProto),
    },
    metadataProps: model.metadata.map(([key, value]) => ({ key, value })),
  });
  return type.encode(message).finish();
}

/**
 * The model in ModelProto `bytes`; `path` names the file in errors.
 * @throws ModelFileError when the bytes are not a ModelProto or a tensor's data does not fit its dims.
 */
export function decodeOnnx(bytes: Uint8Array, path: string): OnnxModel {
  const type = modelProto();
  let o: ProtoModel;
  try {
    o = type.toObject(type.decode(bytes), { longs: Number, arrays: true, defaults: true, oneofs: true }) as ProtoModel;
  } catch (err) {
    throw new ModelFileError(path, `is not an ONNX model (protobuf: ${(err as Error).message})`, { cause: err });
  }
  if (o.graph === null || o.graph === undefined) throw new ModelFileError(path, 'is not an ONNX model: it has no graph');
  const g = o.graph;
  return {
    irVersion: o.irVersion,
    opsetImports: o.opsetImport.map((s) => ({ domain: s.domain, version: s.version })),
    producerName: o.producerName,
    producerVersion: o.producerVersion,
    docString: o.docString,
    graph: {
      name: g.name,
      docString: g.docString,
      nodes: g.node.map(nodeFromProto),
      initializers: g.initializer.map((t) => tensorFromProto(t, path)),
      inputs: g.input.map(valueInfoFromProto),
      outputs: g.output.map(valueInfoFromProto),
    },
    metadata: o.metadataProps.map((p) => [p.key, p.value]),
  };
}

/** Writes `model` to `path` (a temporary file renamed into place). */
export async function writeOnnxFile(path: string, model: OnnxModel): Promise<void> {
  await writeFileAtomic(path, encodeOnnx(model));
}

/**
 * Reads the ONNX model in `path`.
 * @throws ModelFileError when it cannot be read or is not an ONNX model.
 */
export async function readOnnxFile(path: string): Promise<OnnxModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ModelFileError(path, `cannot be read: ${(err as Error).message}`, { cause: err });
  }
  return decodeOnnx(bytes, path);
}

function nodeToProto(n: OnnxNode): object {
  return { input: n.inputs, output: n.outputs, name: n.name, opType: n.opType, domain: n.domain, attribute: n.attributes.map(attributeToProto) };
}

function attributeToProto(a: OnnxAttribute): object {
  switch (a.kind) {
    case 'float':
      return { name: a.name, type: ATTR.float, f: a.value };
    case 'int':
      return { name: a.name, type: ATTR.int, i: a.value };
    case 'string':
      return { name: a.name, type: ATTR.string, s: Buffer.from(a.value, 'utf8') };
    case 'floats':
      return { name: a.name, type: ATTR.floats, floats: a.value };
    case 'ints':
      return { name: a.name, type: ATTR.ints, ints: a.value };
    case 'other':
      throw new Error(`attribute ${a.name}: type ${a.type} cannot be written`);
  }
}

function tensorToProto(t: OnnxTensor): object {
  const raw = new Uint8Array(t.data.byteLength);
  const view = new DataView(raw.buffer);
  const double = t.data instanceof Float64Array;
  for (let i = 0; i < t.data.length; i++) {
    if (double) view.setFloat64(i * 8, t.data[i], true);
    else view.setFloat32(i * 4, t.data[i], true);
  }
  return { name: t.name, dims: t.dims, dataType: double ? OnnxType.double : OnnxType.float, rawData: raw };
}

function valueInfoToProto(v: OnnxValueInfo): object {
  const dim = v.shape?.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {}));
  return { name: v.name, type: { tensorType: { elemType: v.elemType, ...(dim !== undefined ? { shape: { dim } } : {}) } } };
}

interface ProtoAttribute {
  name: string;
  type: number;
  f: number;
  i: number;
  s: Uint8Array;
  floats: number[];
  ints: number[];
}
interface ProtoNode {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain: string;
  attribute: ProtoAttribute[];
}
interface ProtoTensor {
  name: string;
  dims: number[];
  dataType: number;
  floatData: number[];
  doubleData: number[];
  rawData: Uint8Array;
}
interface ProtoValueInfo {
  name: string;
  type?: { tensorType?: { elemType: number; shape?: { dim: { dimValue?: number; dimParam?: string; value?: string }[] } } };
}
interface ProtoModel {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString: string;
  graph?: { name: string; docString: string; node: ProtoNode[]; initializer: ProtoTensor[]; input: ProtoValueInfo[]; output: ProtoValueInfo[] } | null;
  metadataProps: { key: string; value: string }[];
}

function nodeFromProto(n: ProtoNode): OnnxNode {
  return { opType: n.opType, domain: n.domain, name: n.name, inputs: n.input, outputs: n.output, attributes: n.attribute.map(attributeFromProto) };
}

function attributeFromProto(a: ProtoAttribute): OnnxAttribute {
  switch (a.type) {
    case ATTR.float:
      return { name: a.name, kind: 'float', value: a.f };
    case ATTR.int:
      return { name: a.name, kind: 'int', value: a.i };
    case ATTR.string:
      return { name: a.name, kind: 'string', value: Buffer.from(a.s).toString('utf8') };
    case ATTR.floats:
      return { name: a.name, kind: 'floats', value: a.floats };
    case ATTR.ints:
      return { name: a.name, kind: 'ints', value: a.ints };
    default:
      return { name: a.name, kind: 'other', type: a.type };
  }
}

function tensorFromProto(t: ProtoTensor, path: string): OnnxTensor {
  const count = t.dims.reduce((a, b) => a * b, 1);
  const double = t.dataType === OnnxType.double;
  if (t.dataType !== OnnxType.float && !double) {
    // only float tensors become weights; the importer refuses others by name
    return { name: t.name, dims: t.dims, data: new Float32Array(0), otherType: t.dataType };
  }
  const size = double ? 8 : 4;
  let data: Float32Array | Float64Array;
  if (t.rawData.length > 0) {
    if (t.rawData.length !== count * size) throw new ModelFileError(path, `tensor '${t.name}' has ${t.rawData.length} bytes of raw_data for dims [${t.dims.join(', ')}]`);
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    data = double ? new Float64Array(count) : new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = double ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
  } else {
    const values = double ? t.doubleData : t.floatData;
    if (values.length !== count) throw new ModelFileError(path, `tensor '${t.name}' has ${values.length} values for dims [${t.dims.join(', ')}]`);
    data = double ? Float64Array.from(values) : Float32Array.from(values);
  }
  return { name: t.name, dims: t.dims, data };
}

function valueInfoFromProto(v: ProtoValueInfo): OnnxValueInfo {
  const t = v.type?.tensorType;
  const dims = t?.shape?.dim;
  const shape = dims === undefined ? null : dims.map((d) => (d.value === 'dimValue' ? (d.dimValue ?? null) : d.value === 'dimParam' ? (d.dimParam ?? null) : null));
  return { name: v.name, elemType: t?.elemType ?? 0, shape };
}
