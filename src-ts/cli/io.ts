/**
 * The CLI's inputs and outputs: tensors from .npy, .safetensors (`file.safetensors` for all its
 * tensors in key order, `file.safetensors:key` for one) and .json files (arrays of numbers become
 * float32 tensors; other JSON values pass as they are), and results to .npy, .safetensors or JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as npy from '../serialization/npy';
import * as safetensors from '../serialization/safetensors';
import { tensor } from '../creation';
import { Tensor } from '../tensor';
import { UsageError } from './errors';

function isNumberArray(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' || isNumberArray(x));
}

/** The values one `--input` stands for (a safetensors file may hold several). */
export function readInput(spec: string): unknown[] {
  const colon = spec.lastIndexOf(':');
  const hasKey = colon > 1 && spec.slice(0, colon).endsWith('.safetensors');
  const file = hasKey ? spec.slice(0, colon) : spec;
  if (!fs.existsSync(file)) throw new UsageError(`input file not found: ${file}`);
  const ext = path.extname(file).toLowerCase();
  if (ext === '.npy') return [npy.loadFile(file)];
  if (ext === '.safetensors') {
    const all = safetensors.loadFile(file);
    if (hasKey) {
      const key = spec.slice(colon + 1);
      if (!(key in all)) throw new UsageError(`${file} has no tensor '${key}' (it has: ${Object.keys(all).join(', ')})`);
      return [all[key]];
    }
    return Object.keys(all).sort().map((k) => all[k]);
  }
  if (ext === '.json') {
    let v: unknown;
    try {
      v = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    return [isNumberArray(v) ? tensor(v as number[], { dtype: 'float32' }) : v];
  }
  throw new UsageError(`unsupported input format '${ext || file}' (use .npy, .safetensors or .json)`);
}

/** A result as JSON: tensors as { dtype, shape, data } with nested arrays. */
export function toJson(v: unknown): unknown {
  if (v instanceof Tensor) {
    const t = v.dtype === 'float16' || v.dtype === 'bfloat16' ? v.float() : v;
    const data = t.toArray();
    return { dtype: v.dtype, shape: v.shape, data: typeof data === 'bigint' ? String(data) : data };
  }
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toJson(x)]));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

// Tensors in a result with safetensors keys: "output", or "output.0", "output.key", ...
function namedTensors(v: unknown, prefix: string, out: Record<string, Tensor>): void {
  if (v instanceof Tensor) out[prefix] = v;
  else if (Array.isArray(v)) v.forEach((x, i) => namedTensors(x, `${prefix}.${i}`, out));
  else if (v instanceof Map) for (const [k, x] of v) namedTensors(x, `${prefix}.${String(k)}`, out);
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) namedTensors(x, `${prefix}.${k}`, out);
}

/** Writes a result to .npy (one tensor), .safetensors (its tensors) or .json. */
export function writeOutput(v: unknown, file: string): void {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.npy') {
    if (!(v instanceof Tensor)) throw new UsageError('.npy output needs a single tensor; this method returns something else (use .safetensors or .json)');
    npy.saveFile(v, file);
  } else if (ext === '.safetensors') {
    const named: Record<string, Tensor> = {};
    namedTensors(v, 'output', named);
    if (Object.keys(named).length === 0) throw new UsageError('the result holds no tensors to write to .safetensors (use .json)');
    safetensors.saveFile(named, file);
  } else if (ext === '.json') {
    fs.writeFileSync(file, JSON.stringify(toJson(v)) + '\n');
  } else {
    throw new UsageError(`unsupported output format '${ext || file}' (use .npy, .safetensors or .json)`);
  }
}
