// An ONNX model as plain values: the part of onnx.proto's ModelProto that nntrain writes and reads (a graph
// of nodes over float/double tensors, attributes of scalar and list kinds, metadata). onnx-file.ts turns
// it into the protobuf bytes and back.

/** TensorProto.DataType numbers used here (onnx.proto). */
export const OnnxType = { float: 1, int64: 7, bool: 9, double: 11 } as const;

/** An initializer: dims and values; float32 (FLOAT) or float64 (DOUBLE). */
export interface OnnxTensor {
  name: string;
  dims: number[];
  data: Float32Array | Float64Array;
  /** Set when read from a file with another element type (TensorProto.DataType); `data` is then empty. */
  otherType?: number;
}

/** A node attribute. Kinds this file does not model are read as `other` (their type number kept). */
export type OnnxAttribute =
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'string'; value: string }
  | { name: string; kind: 'floats'; value: number[] }
  | { name: string; kind: 'ints'; value: number[] }
  | { name: string; kind: 'other'; type: number };

export interface OnnxNode {
  opType: string;
  /** '' is the default domain (ai.onnx). */
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

/** A graph input or output: a tensor's element type (TensorProto.DataType) and shape (a number, a named dimension, or null). */
export interface OnnxValueInfo {
  name: string;
  elemType: number;
  shape: (number | string | null)[] | null;
}

export interface OnnxGraph {
  name: string;
  docString: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsetImports: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString: string;
  graph: OnnxGraph;
  /** metadata_props, in order. */
  metadata: [string, string][];
}

/** The attribute `name` of `node`, or undefined. */
export function attributeOf(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.find((a) => a.name === name);
}
