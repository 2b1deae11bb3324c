/**
 * CUDA. The device cases (test/cuda/cases.js, shared with the GPU machine's plain-node runner)
 * run where CUDA is available and are reported as skipped, with the reason, elsewhere. What a
 * machine without CUDA must do (clear "not available" errors, never a crash) is tested everywhere.
 */
import * as assert from 'assert/strict';
import * as torch from '../src-ts';
import { parseKernelSignature } from '../src-ts/cuda/signature';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cases } = require('./cuda/cases') as { cases: (t: typeof torch, a: typeof assert) => { name: string; fn: () => unknown }[] };

const available = torch.cuda.isAvailable();
const reason = torch.cuda.isBuilt() ? 'no CUDA device on this machine' : 'CPU-only build (LibTorch without CUDA)';

// Without CUDA the device cases cannot run; the issue asks for them to be counted as skipped
// with the reason (jest's summary shows them), not dropped or turned into empty passes.
describe('CUDA on a device', () => {
  for (const c of cases(torch, assert)) {
    if (available) it(c.name, c.fn as () => Promise<void>);
    else it.skip(`${c.name} [skipped: ${reason}]`, () => undefined);
  }
});

describe('CUDA where it is not available', () => {
  if (available) {
    // This machine has CUDA: what stands instead of the not-available errors is availability itself.
    it('reports CUDA as available, with its devices', () => {
      expect(torch.cuda.isBuilt()).toBe(true);
      expect(torch.cuda.deviceCount()).toBeGreaterThan(0);
      expect(torch.config().cuda).toEqual(expect.objectContaining({ built: true, available: true }));
    });
    return;
  }
  const notAvailable = (e: unknown): boolean => e instanceof torch.TorchError && e.code === 'ERR_CUDA_NOT_AVAILABLE' && /CUDA is not available/.test(e.message);

  it('reports availability without throwing', () => {
    expect(torch.cuda.isAvailable()).toBe(false);
    expect(torch.cuda.deviceCount()).toBe(0);
    expect(torch.cuda.isBf16Supported()).toBe(false);
    expect(torch.config().cuda).toEqual(expect.objectContaining({ available: false, deviceCount: 0 }));
    expect(torch.memory().cudaBytes).toBe(0);
    // PyTorch's seeding and cache calls are no-ops without CUDA, so portable code runs anywhere.
    expect(() => torch.cuda.manualSeedAll(1)).not.toThrow();
    expect(() => torch.cuda.emptyCache()).not.toThrow();
    expect(() => torch.manualSeed(0)).not.toThrow();
  });

  it('every CUDA call gives one clear TorchError', () => {
    const calls: [string, () => unknown][] = [
      ['currentDevice', () => torch.cuda.currentDevice()],
      ['setDevice', () => torch.cuda.setDevice(0)],
      ['getDeviceName', () => torch.cuda.getDeviceName()],
      ['getDeviceProperties', () => torch.cuda.getDeviceProperties(0)],
      ['synchronize', () => torch.cuda.synchronize()],
      ['manualSeed', () => torch.cuda.manualSeed(1)],
      ['memoryAllocated', () => torch.cuda.memoryAllocated()],
      ['memoryReserved', () => torch.cuda.memoryReserved()],
      ['maxMemoryAllocated', () => torch.cuda.maxMemoryAllocated()],
      ['resetPeakMemoryStats', () => torch.cuda.resetPeakMemoryStats()],
      ['Stream', () => new torch.cuda.Stream()],
      ['Event', () => new torch.cuda.Event()],
      ['currentStream', () => torch.cuda.currentStream()],
      ['defaultStream', () => torch.cuda.defaultStream()],
      ['compileKernel', () => torch.cuda.compileKernel('__global__ void f(float* x) {}', 'f')],
      ['cuda', () => torch.ones(2).cuda()],
      ['to', () => torch.ones(2).to('cuda:0')],
      ["device 'cuda'", () => torch.zeros([2], { device: 'cuda' })],
      ["device 'cuda:1'", () => torch.randn(2, 2, { device: torch.device('cuda:1') })],
      ['autocast', () => torch.autocast('cuda', () => 1)],
    ];
    for (const [name, fn] of calls) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect([name, notAvailable(err)]).toEqual([name, true]);
      expect((err as Error).message.startsWith(/^\w+$/.test(name) ? `${name}(): ` : `${name}: `)).toBe(true);
    }
    // The process and the CPU carry on.
    expect(torch.ones(2).add(1).toArray()).toEqual([2, 2]);
  });

  it('jit.load with a CUDA device is a clear error', () => {
    expect(() => torch.jit.load(Buffer.from('not a model'), { device: 'cuda' })).toThrow(torch.TorchError);
  });
});

describe('compileKernel reads kernel signatures from the source', () => {
  it('simple declarations give typed parameters', () => {
    const src = `
      // a comment mentioning __global__ void axpy(int)
      extern "C" __global__ void __launch_bounds__(256) axpy(const float* __restrict__ x, float *y,
          double a, unsigned int n, long long m, const __half* h, unsigned char* img, bool flag) {}`;
    expect(parseKernelSignature(src, 'axpy')).toEqual([
      { kind: 'pointer', name: 'x', dtype: 'float32' },
      { kind: 'pointer', name: 'y', dtype: 'float32' },
      { kind: 'scalar', name: 'a', type: 'float64' },
      { kind: 'scalar', name: 'n', type: 'uint32' },
      { kind: 'scalar', name: 'm', type: 'int64' },
      { kind: 'pointer', name: 'h', dtype: 'float16' },
      { kind: 'pointer', name: 'img', dtype: 'uint8' },
      { kind: 'scalar', name: 'flag', type: 'bool' },
    ]);
    expect(parseKernelSignature('__global__ void f(void) {}', 'f')).toEqual([]);
    expect(parseKernelSignature('__global__ void f(void* p, int64_t n) {}', 'f')).toEqual([
      { kind: 'pointer', name: 'p', dtype: null },
      { kind: 'scalar', name: 'n', type: 'int64' },
    ]);
  });

  it('what it cannot read gives no signature', () => {
    expect(parseKernelSignature('struct P { float a; }; __global__ void f(P p) {}', 'f')).toBeNull();
    expect(parseKernelSignature('template <typename T> __global__ void f(T* x) {}', 'f')).toBeNull();
    expect(parseKernelSignature('__global__ void f(float** x) {}', 'f')).toBeNull();
    expect(parseKernelSignature('__global__ void g(float* x) {}', 'f')).toBeNull();
    expect(parseKernelSignature('void f(float* x) {}', 'f')).toBeNull();
    expect(parseKernelSignature('__global__ void f(float* x) {}', 'f<float>')).toBeNull();
  });
});
