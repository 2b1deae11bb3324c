/** What a DataLoader worker thread knows about itself (Python's `get_worker_info()`). */
export interface WorkerInfo {
  /** 0 .. numWorkers - 1 */
  readonly id: number;
  readonly numWorkers: number;
  /** This worker's torch seed: the loader's base seed + id, as Python's. */
  readonly seed: bigint;
  /** This worker's own copy of the dataset. */
  readonly dataset: unknown;
}

let current: WorkerInfo | null = null;

/**
 * Inside a DataLoader worker, which worker this is (an IterableDataset uses it to give each
 * worker its own share of the stream); null on any other thread.
 */
export function getWorkerInfo(): WorkerInfo | null {
  return current;
}

/** Set once by the worker loop, when the worker has made its dataset. */
export function setWorkerInfo(info: WorkerInfo): void {
  current = Object.freeze(info);
}
