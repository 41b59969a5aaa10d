/**
 * A small ONNX graph builder: the converters in tools/convert describe a network as
 * nodes and weights, and this turns it into ModelProto bytes. Encoding is deterministic,
 * so the same weights always give byte-identical .onnx files (models/README.md relies on it).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type AttrValue =
  number | number[] | string | { float: number } | { floats: number[] } | { tensor: Float32Array; dims: number[] };

/** Integer attributes are the default; wrap floats as `{ float: x }` so 1.0 is not sent as int 1. */
export function f(value: number): { float: number } {
  return { float: value };
}

export function fs(values: number[]): { floats: number[] } {
  return { floats: values };
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function tensorProto(
  name: string,
  data: Float32Array | BigInt64Array | number[],
  dims: number[],
  type: 'float32' | 'int64',
): onnxProto.onnx.ITensorProto {
  if (type === 'int64') {
    const values = Array.from(data as ArrayLike<number | bigint>, (v) => BigInt(v));
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, v, true));
    return { name, dims, dataType: INT64, rawData: raw };
  }
  const floats = data instanceof Float32Array ? data : Float32Array.from(data as number[]);
  const raw = new Uint8Array(floats.buffer.slice(floats.byteOffset, floats.byteOffset + floats.byteLength));
  return { name, dims, dataType: FLOAT, rawData: raw };
}

function attribute(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.TENSOR, t: tensorProto(`${name}_value`, value.tensor, value.dims, 'float32') };
}

function valueInfo(name: string, dims: Array<number | string>): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly graphName: string) {}

  /** A fresh, unique tensor name derived from a hint. */
  fresh(hint: string): string {
    let name = hint;
    while (this.names.has(name)) name = `${hint}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  input(name: string, dims: Array<number | string>): string {
    this.names.add(name);
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  output(name: string, dims: Array<number | string>): void {
    this.outputs.push(valueInfo(name, dims));
  }

  /** A float32 weight tensor. */
  weight(hint: string, data: Float32Array | number[], dims: number[]): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, data, dims, 'float32'));
    return name;
  }

  /** An int64 constant (shapes, axes, pads). */
  ints(hint: string, data: number[], dims: number[] = [data.length]): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, data, dims, 'int64'));
    return name;
  }

  /** Adds a node; returns its output names (one unless `outputs` says more). */
  node(
    op: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    opts: { outputs?: number | string[]; name?: string } = {},
  ): string[] {
    const outNames = Array.isArray(opts.outputs)
      ? opts.outputs.map((n) => (this.names.add(n), n))
      : Array.from({ length: opts.outputs ?? 1 }, (_, i) =>
          this.fresh(`${opts.name ?? op.toLowerCase()}${i ? `_o${i}` : ''}`),
        );
    this.nodes.push({
      opType: op,
      name: this.fresh(`n_${opts.name ?? op.toLowerCase()}`),
      input: inputs,
      output: outNames,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outNames;
  }

  /** Single-output shorthand. */
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, name?: string): string {
    return this.node(op, inputs, attrs, { name })[0];
  }

  /** Serialises to ONNX bytes (IR 8, default-domain opset given). */
  build(
    opts: { opset?: number; producer?: string; docString?: string; metadata?: Record<string, string> } = {},
  ): Uint8Array {
    const model: onnxProto.onnx.IModelProto = {
      irVersion: 8,
      producerName: opts.producer ?? 'frs-convert',
      producerVersion: '1',
      docString: opts.docString,
      opsetImport: [{ domain: '', version: opts.opset ?? 13 }],
      metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}
