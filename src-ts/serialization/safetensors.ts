/**
 * safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian header size,
 * a JSON header `{ name: { dtype, shape, data_offsets }, __metadata__ }`, then the raw
 * little-endian bytes. Plain data, no code: the safe way to take weights from strangers.
 * API as Python's `safetensors.torch`: `save`/`load` (bytes), `saveFile`/`loadFile`.
 */
import * as fs from 'fs';
import { TorchError, TypeError as TorchTypeError } from '../errors';
import { readFileFor, tensorBytes, tensorFromBytes } from './bytes';
import type { DType } from '../dtype';
import { Tensor } from '../tensor';

const TO_ST: Partial<Record<DType, string>> = {
  float64: 'F64',
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
const FROM_ST: Record<string, DType> = Object.fromEntries(Object.entries(TO_ST).map(([k, v]) => [v, k as DType]));
/** Serializes named tensors to safetensors bytes. */
export function save(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new TorchTypeError(`safetensors metadata values must be strings ('${k}' is not)`);
    header.__metadata__ = metadata;
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  // Sorted by name as the Python library writes them, so files are reproducible.
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name];
    if (!(t instanceof Tensor)) throw new TorchTypeError(`safetensors: '${name}' is not a Tensor`);
    const dtype = TO_ST[t.dtype];
    if (dtype === undefined) throw new TorchTypeError(`safetensors: dtype ${t.dtype} of '${name}' has no safetensors code`);
    const bytes = tensorBytes(t);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // data starts 8-byte aligned
  const head = Buffer.from(json, 'utf8');
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(head.length));
  return Buffer.concat([size, head, ...chunks]);
}

/** Reads named tensors from safetensors bytes (one copy into each tensor). */
export function load(buf: Uint8Array, source = 'safetensors data'): Record<string, Tensor> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 8) throw new TorchError(`${source}: too short to be a safetensors file`);
  const n = Number(b.readBigUInt64LE(0));
  if (n > b.length - 8 || n > 100_000_000) throw new TorchError(`${source}: header size ${n} exceeds the file (not a safetensors file, or truncated)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  } catch (e) {
    throw new TorchError(`${source}: the header is not valid JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + n;
  const out: Record<string, Tensor> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const dtype = FROM_ST[info.dtype];
    if (dtype === undefined) throw new TorchError(`${source}: tensor '${name}' has unsupported dtype ${info.dtype}`);
    const [begin, end] = info.data_offsets;
    const numel = info.shape.reduce((a, c) => a * c, 1);
    const elem = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, I8: 1, U8: 1, BOOL: 1 }[info.dtype]!;
    if (end - begin !== numel * elem || dataStart + end > b.length || begin < 0) {
      throw new TorchError(`${source}: tensor '${name}' has data offsets [${begin}, ${end}] that do not fit its shape or the file (truncated?)`);
    }
    const t = tensorFromBytes(b.subarray(dataStart + begin, dataStart + end), dtype);
    const shaped = t.reshape(info.shape);
    t.dispose();
    out[name] = shaped;
  }
  return out;
}

/** The `__metadata__` of safetensors bytes, or an empty object. */
export function metadata(buf: Uint8Array): Record<string, string> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(b.readBigUInt64LE(0));
  return JSON.parse(b.subarray(8, 8 + n).toString('utf8')).__metadata__ ?? {};
}

export function saveFile(tensors: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  fs.writeFileSync(path, save(tensors, metadata));
}

export function loadFile(path: string): Record<string, Tensor> {
  return load(readFileFor('safetensors', path), path);
}
