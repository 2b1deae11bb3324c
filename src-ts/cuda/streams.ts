/**
 * CUDA streams and events, PyTorch's classes: work queued on a stream runs in order, streams run
 * concurrently, events mark points in a stream to wait on or time. `withStream(s, fn)` makes `s`
 * current for everything `fn` launches (torchnode's ops, fused kernels, compiled kernels, and the
 * async calls it starts, which carry the stream to the thread that runs them).
 * Like PyTorch, streams are per thread: each worker_thread has its own current stream.
 */
import { binding, type NativeObject } from '../binding';
import { Device, type DeviceLike } from '../device';
import { argError } from '../errors';
import { withThreadSetting } from '../thread_setting';
import { deviceIndex } from './device';

export interface StreamOptions {
  /** Default: the current device. */
  device?: DeviceLike | number;
  /** Lower is higher priority, as in PyTorch: -1 (high) or 0 (normal, the default). */
  priority?: number;
}

export class Stream {
  /** @internal */
  readonly _native: NativeObject;

  /** A new stream from LibTorch's pool on `device` (`torch.cuda.Stream()`). */
  constructor(options: StreamOptions = {}, native?: NativeObject) {
    if (native !== undefined) {
      this._native = native;
      return;
    }
    const priority = options.priority ?? 0;
    if (!Number.isInteger(priority)) argError('Stream', 'priority', 'an integer', priority);
    this._native = binding.cudaStreamNew(deviceIndex(options.device, 'Stream'), priority);
  }

  get device(): Device {
    return new Device('cuda', binding.cudaStreamInfo(this._native).device);
  }

  /** LibTorch's id for the stream (0 is the device's default stream). */
  get streamId(): bigint {
    return binding.cudaStreamInfo(this._native).id;
  }

  /** Blocks until everything queued on the stream has run. */
  synchronize(): void {
    binding.cudaStreamSynchronize(this._native);
  }

  /** True when everything queued on the stream has run. */
  query(): boolean {
    return binding.cudaStreamQuery(this._native);
  }

  /** Makes later work on this stream wait for `event`. */
  waitEvent(event: Event): void {
    event.wait(this);
  }

  /** Makes later work on this stream wait for what is queued on `other` now. */
  waitStream(other: Stream): void {
    this.waitEvent(other.recordEvent());
  }

  /** Records an event (a new one unless given) on this stream and returns it. */
  recordEvent(event: Event = new Event()): Event {
    event.record(this);
    return event;
  }

  equals(other: Stream): boolean {
    const a = binding.cudaStreamInfo(this._native);
    const b = binding.cudaStreamInfo(other._native);
    return a.device === b.device && a.id === b.id;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const i = binding.cudaStreamInfo(this._native);
    return `<torch.cuda.Stream device=cuda:${i.device} id=${i.id}>`;
  }
}

export interface EventOptions {
  /** Record times, for `elapsedTime` (default false, as PyTorch). */
  enableTiming?: boolean;
  /** `synchronize()` sleeps instead of spinning. */
  blocking?: boolean;
  interprocess?: boolean;
}

export class Event {
  /** @internal */
  readonly _native: NativeObject;

  constructor(options: EventOptions = {}) {
    deviceIndex(undefined, 'Event');
    this._native = binding.cudaEventNew(options.enableTiming ?? false, options.blocking ?? false, options.interprocess ?? false);
  }

  /** Marks the current point of `stream` (default: the current stream). */
  record(stream: Stream = currentStream()): void {
    binding.cudaEventRecord(this._native, stream._native);
  }

  /** Makes later work on `stream` (default: the current stream) wait for this event. */
  wait(stream: Stream = currentStream()): void {
    binding.cudaEventWait(this._native, stream._native);
  }

  /** Blocks until the work before the event has run. */
  synchronize(): void {
    binding.cudaEventSynchronize(this._native);
  }

  query(): boolean {
    return binding.cudaEventQuery(this._native);
  }

  /** Milliseconds from this event to `end` (both recorded, with `enableTiming: true`). */
  elapsedTime(end: Event): number {
    return binding.cudaEventElapsed(this._native, end._native);
  }
}

/** The current stream of `device` (default: the current device) on this thread. */
export function currentStream(device?: DeviceLike | number): Stream {
  return new Stream({}, binding.cudaStreamCurrent(deviceIndex(device, 'currentStream')));
}

/** The default stream of `device`: the stream work goes to when no other is current. */
export function defaultStream(device?: DeviceLike | number): Stream {
  return new Stream({}, binding.cudaStreamDefault(deviceIndex(device, 'defaultStream')));
}

/** Makes `stream` current on its device for this thread. */
export function setStream(stream: Stream): void {
  if (!(stream instanceof Stream)) argError('setStream', 'stream', 'a torch.cuda.Stream', stream);
  binding.cudaStreamSet(stream._native);
}

/**
 * Runs the synchronous `fn` with `stream` current on its device, then restores the stream that
 * was current (Python's `with torch.cuda.stream(s):`). Async calls `fn` starts (forwardAsync,
 * `await t.data()`) take the stream with them.
 */
export function withStream<T>(stream: Stream, fn: () => T): T {
  if (!(stream instanceof Stream)) argError('withStream', 'stream', 'a torch.cuda.Stream', stream);
  let prev: NativeObject | undefined;
  return withThreadSetting('withStream', 'the current stream', fn, () => void (prev = binding.cudaStreamSet(stream._native)), () => void binding.cudaStreamSet(prev as NativeObject));
}
