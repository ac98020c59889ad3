/**
 * The shipped weight file: a deflated byte string holding a JSON header (the
 * models, their classes and biases, what they were trained on) and, per
 * model, its feature keys (sorted, 32-bit), one scale per key (32-bit float)
 * and one signed byte per key and class. Written by `npm run train`, read
 * once by `load.ts`.
 */
import zlib from 'node:zlib';
import { LinearModel, type LinearModelSpec } from './linear.ts';

const MAGIC = 'TTM1';

export interface ModelFileHeader {
  /** How the models were trained (seed, data, split rule, figures on held-out data). */
  trainedOn: Record<string, unknown>;
  models: Array<LinearModelSpec & { rows: number }>;
}

/** Dense weights of one model as training produces them: `weights[row * classes + c]`. */
export interface DenseModel {
  spec: LinearModelSpec;
  keys: Uint32Array;
  weights: Float64Array;
}

/** Quantise each row to signed bytes with its own scale. */
function quantise(model: DenseModel): { keys: Uint32Array; bytes: Int8Array; scales: Float32Array } {
  const k = model.spec.classes.length;
  const order = [...model.keys.keys()].sort((a, b) => model.keys[a]! - model.keys[b]!);
  const keys: number[] = [];
  const rows: number[] = [];
  for (const r of order) {
    let max = 0;
    for (let c = 0; c < k; c++) max = Math.max(max, Math.abs(model.weights[r * k + c]!));
    // A row that cannot move any class by a thousandth is not worth shipping.
    if (max < 1e-3) continue;
    keys.push(model.keys[r]!);
    rows.push(r);
  }
  const bytes = new Int8Array(rows.length * k);
  const scales = new Float32Array(rows.length);
  rows.forEach((r, i) => {
    let max = 0;
    for (let c = 0; c < k; c++) max = Math.max(max, Math.abs(model.weights[r * k + c]!));
    const scale = Math.fround(max / 127);
    scales[i] = scale;
    for (let c = 0; c < k; c++) bytes[i * k + c] = Math.round(model.weights[r * k + c]! / scale);
  });
  return { keys: Uint32Array.from(keys), bytes, scales };
}

export function encodeModels(models: DenseModel[], trainedOn: Record<string, unknown>): Buffer {
  const parts: Buffer[] = [];
  const header: ModelFileHeader = { trainedOn, models: [] };
  for (const model of models) {
    const q = quantise(model);
    header.models.push({ ...model.spec, bias: model.spec.bias.map((b) => Number(b.toFixed(6))), betas: model.spec.betas.map((b) => Number(b.toFixed(6))), rows: q.keys.length });
    const keys = Buffer.alloc(4 * q.keys.length);
    q.keys.forEach((key, i) => keys.writeUInt32LE(key, 4 * i));
    const scales = Buffer.alloc(4 * q.scales.length);
    q.scales.forEach((scale, i) => scales.writeFloatLE(scale, 4 * i));
    parts.push(keys, scales, Buffer.from(q.bytes.buffer, q.bytes.byteOffset, q.bytes.byteLength));
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const raw = Buffer.concat([Buffer.from(MAGIC, 'ascii'), length, json, ...parts]);
  return zlib.deflateRawSync(raw, { level: 9 });
}

export interface ModelFile {
  header: ModelFileHeader;
  models: Map<string, LinearModel>;
}

export function decodeModels(file: Uint8Array): ModelFile {
  const raw = zlib.inflateRawSync(file);
  if (raw.subarray(0, 4).toString('ascii') !== MAGIC) throw new Error('not a technique model file');
  const length = raw.readUInt32LE(4);
  const header = JSON.parse(raw.subarray(8, 8 + length).toString('utf8')) as ModelFileHeader;
  let at = 8 + length;
  const models = new Map<string, LinearModel>();
  for (const spec of header.models) {
    const k = spec.classes.length;
    // Copy into aligned arrays (the byte string has no alignment guarantees).
    const keys = new Uint32Array(spec.rows);
    for (let i = 0; i < spec.rows; i++) keys[i] = raw.readUInt32LE(at + 4 * i);
    at += 4 * spec.rows;
    const scales = new Float32Array(spec.rows);
    for (let i = 0; i < spec.rows; i++) scales[i] = raw.readFloatLE(at + 4 * i);
    at += 4 * spec.rows;
    const weights = new Int8Array(raw.buffer.slice(raw.byteOffset + at, raw.byteOffset + at + spec.rows * k));
    at += spec.rows * k;
    models.set(spec.name, new LinearModel(spec, keys, weights, scales));
  }
  if (at !== raw.length) throw new Error('the technique model file is damaged (unexpected length)');
  return { header, models };
}
