/**
 * Small constructors for ONNX messages, so graph builders read like the graph they build.
 */
import {
  AttributeType,
  DataType,
  type AttributeMessage,
  type DimensionMessage,
  type ModelMessage,
  type GraphMessage,
  type NodeMessage,
  type TensorMessage,
  type ValueInfoMessage,
} from './onnx-proto';

const utf8 = new TextEncoder();

/** A float32 tensor, stored as raw little-endian bytes (compact, and exact for float32 values). */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorMessage {
  const data = Float32Array.from(values);
  return { name, dims, dataType: DataType.FLOAT, rawData: littleEndianBytes(data) };
}

/** A uint8 tensor (tree node modes in the opset-5 TreeEnsemble operator). */
export function uint8Tensor(name: string, dims: number[], values: ArrayLike<number>): TensorMessage {
  return { name, dims, dataType: DataType.UINT8, rawData: Uint8Array.from(values) };
}

function littleEndianBytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return out;
}

export const attr = {
  int: (name: string, i: number): AttributeMessage => ({ name, type: AttributeType.INT, i }),
  float: (name: string, f: number): AttributeMessage => ({ name, type: AttributeType.FLOAT, f }),
  string: (name: string, s: string): AttributeMessage => ({ name, type: AttributeType.STRING, s: utf8.encode(s) }),
  ints: (name: string, ints: ArrayLike<number>): AttributeMessage => ({
    name,
    type: AttributeType.INTS,
    ints: Array.from(ints),
  }),
  floats: (name: string, floats: ArrayLike<number>): AttributeMessage => ({
    name,
    type: AttributeType.FLOATS,
    floats: Array.from(floats),
  }),
  strings: (name: string, strings: string[]): AttributeMessage => ({
    name,
    type: AttributeType.STRINGS,
    strings: strings.map((s) => utf8.encode(s)),
  }),
  tensor: (name: string, t: TensorMessage): AttributeMessage => ({ name, type: AttributeType.TENSOR, t }),
};

export function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: AttributeMessage[] = [],
  domain = '',
): NodeMessage {
  return { input, output, name: `${opType}_${output[0] ?? ''}`, opType, domain, attribute };
}

/** A float32 tensor value; a string dimension is symbolic (e.g. the batch size "N"). */
export function floatValueInfo(name: string, dims: (number | string)[]): ValueInfoMessage {
  const dim: DimensionMessage[] = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

export interface ModelOptions {
  graph: GraphMessage;
  /** Operator sets, e.g. { '': 17, 'ai.onnx.ml': 3 }. */
  opsets: Record<string, number>;
  docString?: string;
  irVersion?: number;
}

/** Wraps a graph into a model with this project as producer. */
export function model({ graph, opsets, docString, irVersion = 8 }: ModelOptions): ModelMessage {
  return {
    irVersion,
    // Sorted so the bytes do not depend on object key order.
    opsetImport: Object.keys(opsets)
      .sort()
      .map((domain) => ({ domain, version: opsets[domain]! })),
    producerName: 'twinops',
    producerVersion: '1',
    ...(docString ? { docString } : {}),
    graph,
  };
}
