// Collects the nodes and initializers of an ONNX graph as the exporter walks a model, with names made
// unique by a per-op counter (Gemm_0, Relu_1, ...).

import type { OnnxAttribute, OnnxNode, OnnxTensor } from '../../io/onnx/onnx-model.js';

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private count = 0;

  /** Adds an `opType` node over `inputs`; returns the name of its (single) output. */
  node(opType: string, inputs: string[], attributes: OnnxAttribute[] = [], outputName?: string): string {
    const name = `${opType}_${this.count++}`;
    const output = outputName ?? `${name}_out`;
    this.nodes.push({ opType, domain: '', name, inputs, outputs: [output], attributes });
    return output;
  }

  /** Adds an initializer and returns its name. */
  tensor(name: string, dims: number[], data: Float32Array | Float64Array): string {
    this.initializers.push({ name, dims, data });
    return name;
  }

  /** A float32 scalar initializer (a constant of a decomposed activation). */
  scalar(name: string, value: number): string {
    if (!this.initializers.some((t) => t.name === name)) this.tensor(name, [], Float32Array.of(value));
    return name;
  }

  /** Renames the last node's output (the graph's output must carry its public name). */
  renameLastOutput(name: string): void {
    const last = this.nodes[this.nodes.length - 1];
    last.outputs[0] = name;
  }
}
