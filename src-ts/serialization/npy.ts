/**
 * NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * the magic `\x93NUMPY`, a version, a header (a Python dict literal with `descr`, `fortran_order`
 * and `shape`) padded to 64 bytes, then the raw data. Reads versions 1-3, little- and big-endian,
 * C and Fortran order; writes version 1.0, little-endian, C order (what `numpy.save` writes).
 * Also .npz archives (`savez`, `savezCompressed`, `loadz`), through fflate's zip.
 */
import * as fs from 'fs';
import { unzipSync, zipSync } from 'fflate';
import { TorchError, TypeError as TorchTypeError } from '../errors';
import { readFileFor, tensorBytes, tensorFromBytes } from './bytes';
import type { DType } from '../dtype';
import { Tensor } from '../tensor';

const DESCR: Partial<Record<DType, string>> = {
  float64: '<f8',
  float32: '<f4',
  float16: '<f2',
  int64: '<i8',
  int32: '<i4',
  int16: '<i2',
  int8: '|i1',
  uint8: '|u1',
  bool: '|b1',
  complex64: '<c8',
  complex128: '<c16',
};
const FROM: Record<string, [DType, number]> = {
  f8: ['float64', 8], f4: ['float32', 4], f2: ['float16', 2], i8: ['int64', 8], i4: ['int32', 4], i2: ['int16', 2],
  i1: ['int8', 1], u1: ['uint8', 1], b1: ['bool', 1], c8: ['complex64', 8], c16: ['complex128', 16],
};
const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** A tensor as .npy bytes. */
export function save(t: Tensor): Buffer {
  if (!(t instanceof Tensor)) throw new TorchTypeError('npy.save(): argument must be a Tensor');
  const descr = DESCR[t.dtype];
  if (descr === undefined) throw new TorchTypeError(`npy.save(): ${t.dtype} has no NumPy dtype`);
  const shape = t.shape;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  MAGIC.copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), tensorBytes(t)]);
}

/** A tensor from .npy bytes (one copy). */
export function load(buf: Uint8Array, source = '.npy data'): Tensor {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 10 || !b.subarray(0, 6).equals(MAGIC)) throw new TorchError(`${source}: not a .npy file (bad magic)`);
  const major = b[6];
  const headerLen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  if (major < 1 || major > 3 || start + headerLen > b.length) throw new TorchError(`${source}: unsupported .npy version ${major} or truncated header`);
  const header = b.subarray(start, start + headerLen).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr':\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeM = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) throw new TorchError(`${source}: cannot read the .npy header ${JSON.stringify(header.trim())}`);
  const kind = FROM[descr[2]];
  if (kind === undefined) throw new TorchError(`${source}: NumPy dtype '${descr[1]}${descr[2]}' has no torchnode dtype`);
  const [dtype, size] = kind;
  const shape = shapeM[1].split(',').map((x) => x.trim()).filter((x) => x !== '').map(Number);
  const numel = shape.reduce((a, c) => a * c, 1);
  const dataStart = start + headerLen;
  if (b.length - dataStart < numel * size) throw new TorchError(`${source}: truncated (expected ${numel * size} bytes of data, found ${b.length - dataStart})`);
  let bytes: Uint8Array = b.subarray(dataStart, dataStart + numel * size);
  const elem = dtype.startsWith('complex') ? size / 2 : size;
  if (descr[1] === '>' && elem > 1) {
    // Big-endian: reverse each element's (each complex part's) bytes.
    bytes = Buffer.from(bytes);
    for (let i = 0; i < bytes.length; i += elem) bytes.subarray(i, i + elem).reverse();
  }
  const t = tensorFromBytes(bytes, dtype);
  if (fortran[1] === 'True' && shape.length > 1) {
    // Fortran order: the data is the transpose's C order.
    const r = swap(t, t.reshape([...shape].reverse()));
    const p = swap(r, r.permute([...shape.keys()].reverse()));
    return swap(p, p.contiguous());
  }
  return swap(t, t.reshape(shape));
}

function swap(old: Tensor, next: Tensor): Tensor {
  if (next !== old) old.dispose();
  return next;
}

export function saveFile(t: Tensor, path: string): void {
  fs.writeFileSync(path, save(t));
}

export function loadFile(path: string): Tensor {
  return load(readFileFor('npy', path), path);
}

/**
 * .npz: a zip archive of .npy files named `<key>.npy`, as `numpy.savez` (stored) and
 * `numpy.savez_compressed` (deflated) write them. Returns the archive's bytes.
 */
export function savez(arrays: Record<string, Tensor>, options: { compressed?: boolean } = {}): Buffer {
  if (arrays === null || typeof arrays !== 'object') throw new TorchTypeError('npz: expected an object of named tensors');
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [k, t] of Object.entries(arrays)) {
    if (!(t instanceof Tensor)) throw new TorchTypeError(`npz: '${k}' is not a Tensor`);
    files[`${k}.npy`] = [save(t), { level: options.compressed === true ? 6 : 0 }];
  }
  return Buffer.from(zipSync(files));
}

/** `numpy.savez_compressed`: savez with deflate. */
export function savezCompressed(arrays: Record<string, Tensor>): Buffer {
  return savez(arrays, { compressed: true });
}

export function savezFile(path: string, arrays: Record<string, Tensor>, options: { compressed?: boolean } = {}): void {
  fs.writeFileSync(path, savez(arrays, options));
}

/** Reads an .npz archive (stored or deflated): the arrays by name, without the `.npy` suffix. */
export function loadz(buf: Uint8Array, source = '.npz data'): Record<string, Tensor> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(buf);
  } catch (e) {
    throw new TorchError(`${source}: not a readable .npz (zip) archive (${(e as Error).message})`);
  }
  const out: Record<string, Tensor> = {};
  try {
    for (const [name, bytes] of Object.entries(files)) {
      if (!name.endsWith('.npy')) continue;
      Object.defineProperty(out, name.slice(0, -4), { value: load(bytes, `${source}: ${name}`), enumerable: true, writable: true, configurable: true });
    }
  } catch (e) {
    for (const t of Object.values(out)) t.dispose();
    throw e;
  }
  return out;
}

export function loadzFile(path: string): Record<string, Tensor> {
  return loadz(readFileFor('npz', path), path);
}
