import * as fs from 'fs';
import * as path from 'path';

export interface RefCase {
  repr: string;
  dtype: string;
  shape: number[];
  values: unknown;
}

export const reference: { torch: string; cases: Record<string, RefCase> } = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'reference.json'), 'utf8'),
);

/** Python's JSON encodes nan/inf as strings and big ints as strings; turn them back. */
export function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
}

/** Deep comparison with a relative tolerance for floats (float16/bfloat16 round differently). */
export function expectClose(actual: unknown, expected: unknown, rtol = 1e-6, where = '$'): void {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) throw new Error(`${where}: expected array of ${expected.length}, got ${JSON.stringify(actual)}`);
    expected.forEach((e, i) => expectClose(actual[i], e, rtol, `${where}[${i}]`));
    return;
  }
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (actual === expected) return;
    if (Number.isNaN(expected) ? Number.isNaN(actual) : Math.abs(actual - expected) <= rtol * Math.max(1, Math.abs(expected))) return;
    throw new Error(`${where}: expected ${expected}, got ${actual}`);
  }
  if (expected !== null && typeof expected === 'object' && typeof expected !== 'bigint') {
    for (const k of Object.keys(expected)) expectClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], rtol, `${where}.${k}`);
    return;
  }
  if (actual !== expected) throw new Error(`${where}: expected ${String(expected)}, got ${String(actual)}`);
}

/**
 * A dataset that DataLoader workers make from test/fixtures/worker_datasets.js's `exportName`
 * (with `args`); this thread only knows its length (null: a stream). The fixture module loads the
 * built package, which a jest test must not load beside the sources it tests.
 */
export function workerDataset<T = unknown>(data: typeof import('../src-ts/utils/data'), exportName: string, length: null, ...args: unknown[]): import('../src-ts/utils/data').IterableDataset<T>;
export function workerDataset<T = unknown>(data: typeof import('../src-ts/utils/data'), exportName: string, length: number, ...args: unknown[]): import('../src-ts/utils/data').Dataset<T>;
export function workerDataset<T = unknown>(data: typeof import('../src-ts/utils/data'), exportName: string, length: number | null, ...args: unknown[]): unknown {
  const source = { module: path.join(__dirname, 'fixtures', 'worker_datasets.js'), exportName, args };
  if (length === null) {
    return Object.assign(new (class extends data.IterableDataset<T> {
      *[Symbol.iterator](): Iterator<T> {
        throw new Error(`${exportName} is read in workers only`);
      }
    })(), { workerSource: () => source });
  }
  return new (class extends data.Dataset<T> {
    get length(): number {
      return length;
    }
    getItem(): T {
      throw new Error(`${exportName} is read in workers only`);
    }
    workerSource(): typeof source {
      return source;
    }
  })();
}
