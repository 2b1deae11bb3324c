/**
 * How a dataset is made again inside a DataLoader worker thread. Python pickles the dataset into
 * each worker process; a JS object cannot cross threads with its class, so a dataset used with
 * `numWorkers` says where its class is and what to construct it with:
 *
 *     workerSource() { return { module: __filename, exportName: 'Photos', args: [this.root] }; }
 *
 * (an ES module gives `import.meta.url`). `torch.utils.data.fromModule(file, exportName, ...args)`
 * builds such a dataset from any exported class without changing it. Arguments are copied by
 * structured clone, except Tensors, which cross without a copy (shared memory), and datasets with
 * a workerSource of their own, which are made again the same way (Subset, ConcatDataset ...).
 */
import * as path from 'path';
import { fileURLToPath } from 'url';
import { TypeError as TorchTypeError, ValueError } from '../../errors';
import { Tensor } from '../../tensor';
import { isPlainObject, packShared, type SharedTensor } from '../../shared';
import { IterableDataset } from './dataset';

export interface WorkerSource {
  /** An absolute path or a `file:` URL of the module that exports the class. */
  module: string;
  /** The export's name; a dotted path reaches into namespaces (`'datasets.FashionMNIST'`). */
  exportName: string;
  /** Constructor arguments (default none). */
  args?: unknown[];
}

/** What crosses to a worker: a WorkerSource with its arguments packed. */
export interface PackedSource {
  module: string;
  exportName: string;
  args: unknown[];
}

interface HasWorkerSource {
  workerSource(): WorkerSource;
}

function hasWorkerSource(v: unknown): v is HasWorkerSource {
  return v !== null && typeof v === 'object' && typeof (v as Partial<HasWorkerSource>).workerSource === 'function';
}

/**
 * The dataset's WorkerSource, checked all the way down (nested datasets too), so a DataLoader
 * refuses at construction rather than in a worker. `what` names the dataset in messages.
 */
export function workerSourceOf(dataset: unknown, what = 'the dataset'): WorkerSource {
  const name = (dataset as object | null)?.constructor?.name ?? typeof dataset;
  if (!hasWorkerSource(dataset)) {
    throw new ValueError(
      `numWorkers > 0 needs a dataset that can be made again in a worker thread, and ${what} (${name}) has no workerSource(). ` +
        'Make it with torch.utils.data.fromModule(file, exportName, ...args), or give its class a workerSource() method ' +
        'returning { module, exportName, args } (see the DataLoader docs).',
    );
  }
  const src = dataset.workerSource();
  if (src === null || typeof src !== 'object' || typeof src.module !== 'string' || typeof src.exportName !== 'string') {
    throw new TorchTypeError(`${name}.workerSource() must return { module: string, exportName: string, args?: unknown[] }`);
  }
  if (!path.isAbsolute(src.module) && !src.module.startsWith('file:')) {
    throw new ValueError(`${name}.workerSource(): module must be an absolute path or a file: URL, got '${src.module}'`);
  }
  if (src.args !== undefined && !Array.isArray(src.args)) throw new TorchTypeError(`${name}.workerSource(): args must be an array`);
  const check = (v: unknown): void => {
    if (v instanceof Tensor || v === null || typeof v !== 'object') {
      if (typeof v === 'function') throw new ValueError(`${name}.workerSource(): a function cannot be sent to a worker thread; construct it inside the dataset's module instead`);
      return;
    }
    // A dataset crosses by its own source; structured clone would drop its class.
    const isDataset = typeof (v as { getItem?: unknown }).getItem === 'function' || v instanceof IterableDataset;
    if (hasWorkerSource(v) || isDataset) workerSourceOf(v, `a dataset inside ${name}`);
    else if (Array.isArray(v)) v.forEach(check);
    else if (isPlainObject(v)) Object.values(v).forEach(check);
  };
  (src.args ?? []).forEach(check);
  return src;
}

/** The source with its arguments ready for postMessage; shared tensors are recorded in `sent`. */
export function packSource(src: WorkerSource, sent: SharedTensor[]): PackedSource {
  const pack = (v: unknown): unknown => {
    if (hasWorkerSource(v)) return { __torchnodeDataset: packSource(v.workerSource(), sent) };
    if (Array.isArray(v)) return v.map(pack);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pack(x)]));
    return packShared(v, sent);
  };
  return { module: src.module, exportName: src.exportName, args: (src.args ?? []).map(pack) };
}

/** The export `exportName` (a dotted path) of a loaded module namespace. */
export function exportOf(ns: unknown, exportName: string, module: string): new (...args: unknown[]) => unknown {
  const lookup = (root: unknown): unknown => exportName.split('.').reduce<unknown>((o, k) => (o === null || o === undefined ? undefined : (o as Record<string, unknown>)[k]), root);
  const found = lookup(ns) ?? lookup((ns as { default?: unknown } | null)?.default);
  if (typeof found !== 'function') throw new TorchTypeError(`${module} has no exported class '${exportName}'`);
  return found as new (...args: unknown[]) => unknown;
}

/**
 * `new (require(file)[exportName])(...args)`, made here and again in each DataLoader worker:
 *
 *     const ds = torch.utils.data.fromModule(require.resolve('./photos'), 'Photos', root);
 *     new DataLoader(ds, { batchSize: 32, numWorkers: 4 });
 *
 * `file` is an absolute path or a `file:` URL. The module is loaded here with require(); an ES
 * module's class gives itself a workerSource() method instead (module: `import.meta.url`).
 */
export function fromModule<T = unknown>(file: string, exportName: string, ...args: unknown[]): T {
  if (typeof file !== 'string' || typeof exportName !== 'string') throw new TorchTypeError('fromModule(file, exportName, ...args): file and exportName must be strings');
  const filePath = file.startsWith('file:') ? fileURLToPath(file) : file;
  if (!path.isAbsolute(filePath)) throw new ValueError(`fromModule(): file must be an absolute path or a file: URL (e.g. require.resolve('./my_dataset')), got '${file}'`);
  let ns: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ns = require(filePath);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_REQUIRE_ESM') {
      throw new ValueError(`fromModule(): ${file} is an ES module, which require() cannot load here; give its dataset class a workerSource() method instead (module: import.meta.url)`);
    }
    throw e;
  }
  const Cls = exportOf(ns, exportName, file);
  const dataset = new Cls(...args) as object;
  const source: WorkerSource = { module: filePath, exportName, args };
  Object.defineProperty(dataset, 'workerSource', { value: () => source, enumerable: false, configurable: true });
  workerSourceOf(dataset);
  return dataset as T;
}
