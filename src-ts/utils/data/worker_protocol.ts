/** What the DataLoader's main thread and its worker threads send each other. */
import type { PackedSource } from './worker_source';

/** Int32 slots per worker in the shared flags: replies posted, exited, cancel what is queued. */
export const COUNTER = 0;
export const EXITED = 1;
export const CANCEL = 2;
export const SLOTS = 3;

export interface WorkerConfig {
  id: number;
  numWorkers: number;
  seed: bigint;
  source: PackedSource;
  initFn: string | null;
  flags: SharedArrayBuffer;
  batchSize: number;
  dropLast: boolean;
  /** Collate in the worker (the default collate); otherwise the samples come back as a list. */
  defaultCollate: boolean;
  iterable: boolean;
}

/** One batch to load: indices into a map-style dataset, or null for the next of a stream. */
export interface Task {
  seq: number;
  indices: number[] | null;
}

export interface WorkerError {
  name: string;
  message: string;
  stack: string;
}

export type Reply =
  | { seq: number; ok: true; value: unknown; raw: boolean }
  | { seq: number; ok: false; error: WorkerError }
  /** The worker's stream has ended. */
  | { seq: number; end: true }
  /** Skipped: the loop that asked has stopped. */
  | { seq: number; cancelled: true };
