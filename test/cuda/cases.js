'use strict';
/**
 * torchnode's CUDA checks, written once for two runners: jest (test/90.cuda.test.ts, which
 * reports them as skipped with the reason on machines without CUDA) and plain node on the GPU
 * machine (test/cuda/run.js, from scripts/gpu-check.sh, where jest is not installed).
 * `cases(torch, assert)` returns [{ name, fn }]; fn may be async. Expected values come from the
 * unfused LibTorch composition or from the same computation on the CPU.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

function cases(torch, assert) {
  const close = (a, b, tol, what) => {
    const d = a.sub(b).abs().max().item();
    assert.ok(d <= tol, `${what}: max difference ${d} > ${tol}`);
  };
  const list = [];
  const it = (name, fn) => list.push({ name, fn });

  it('devices: count, current, properties, setDevice', () => {
    assert.equal(torch.cuda.isAvailable(), true);
    assert.ok(torch.cuda.deviceCount() >= 1);
    assert.equal(torch.cuda.currentDevice(), 0);
    const p = torch.cuda.getDeviceProperties(0);
    assert.equal(typeof p.name, 'string');
    assert.ok(p.major >= 3 && p.totalMemory > 0 && p.multiProcessorCount > 0, JSON.stringify(p));
    assert.equal(torch.cuda.getDeviceName(), p.name);
    assert.deepEqual(torch.cuda.getDeviceCapability('cuda:0'), [p.major, p.minor]);
    torch.cuda.setDevice(0);
    assert.throws(() => torch.cuda.setDevice(torch.cuda.deviceCount()), /invalid device/);
    assert.equal(torch.config().cuda.available, true);
    assert.match(torch.version.cuda, /^\d+\.\d+$/);
  });

  it('tensors move between devices and factories take a device', () => {
    torch.scope(() => {
      const c = torch.arange(6, { dtype: 'float32' }).reshape(2, 3);
      const g = c.cuda();
      assert.equal(g.isCuda, true);
      assert.equal(String(g.device), 'cuda:0');
      assert.deepEqual(g.cpu().toArray(), c.toArray());
      assert.deepEqual(c.to('cuda:0', { nonBlocking: true }).cpu().toArray(), c.toArray());
      assert.deepEqual(g.cuda().cpu().toArray(), c.toArray()); // already there: no copy needed
      const z = torch.zeros([2, 2], { device: 'cuda' });
      assert.equal(z.isCuda, true);
      assert.deepEqual(z.matmul(torch.ones(2, 2, { device: 'cuda' })).cpu().toArray(), [[0, 0], [0, 0]]);
      assert.match(g.toString(), /device='cuda:0'/);
      const pinned = c.pinMemory();
      assert.equal(pinned.isPinned(), true);
      assert.deepEqual(pinned.cuda({ nonBlocking: true }).cpu().toArray(), c.toArray());
    });
  });

  it('manualSeed makes CUDA random numbers repeat', () => {
    torch.manualSeed(7);
    const a = torch.randn(5, { device: 'cuda' }).cpu().toArray();
    torch.cuda.manualSeed(7);
    const b = torch.randn(5, { device: 'cuda' }).cpu().toArray();
    assert.deepEqual(a, b);
  });

  it('memory: allocator statistics, torch.memory().cudaBytes, emptyCache', () => {
    torch.cuda.synchronize();
    const base = torch.cuda.memoryAllocated();
    const baseBytes = torch.memory().cudaBytes;
    const t = torch.empty([1024, 1024], { device: 'cuda' });
    assert.ok(torch.cuda.memoryAllocated() >= base + 4 * 1024 * 1024);
    assert.equal(torch.memory().cudaBytes - baseBytes, 4 * 1024 * 1024);
    torch.cuda.resetPeakMemoryStats();
    assert.ok(torch.cuda.maxMemoryAllocated() >= torch.cuda.memoryAllocated());
    // Outside a scope the GC owns it, so V8 hears of its device bytes as external memory.
    const gcBytes = torch.memory().gcBytes;
    assert.ok(gcBytes >= 4 * 1024 * 1024);
    t.dispose();
    assert.equal(gcBytes - torch.memory().gcBytes, 4 * 1024 * 1024);
    assert.equal(torch.cuda.memoryAllocated(), base);
    assert.ok(torch.cuda.memoryReserved() >= base);
    torch.cuda.emptyCache();
    assert.ok(torch.cuda.memoryReserved() <= torch.cuda.maxMemoryReserved());
  });

  it('out of memory is an OutOfMemoryError and the process carries on', () => {
    const elements = torch.cuda.getDeviceProperties().totalMemory; // float32: 4x what the device has
    assert.throws(() => torch.empty([elements], { device: 'cuda' }), (e) => e instanceof torch.OutOfMemoryError);
    const ok = torch.ones(1024, { device: 'cuda' });
    assert.equal(ok.sum().item(), 1024);
    ok.dispose();
  });

  it('streams: withStream makes a stream current, events order and time work', () => {
    const s = new torch.cuda.Stream();
    const before = torch.cuda.currentStream();
    assert.ok(before.equals(torch.cuda.defaultStream()));
    let inside;
    const r = torch.cuda.withStream(s, () => {
      inside = torch.cuda.currentStream();
      return torch.scope(() => torch.keep(torch.ones(256, 256, { device: 'cuda' }).matmul(torch.ones(256, 256, { device: 'cuda' }))));
    });
    assert.ok(inside.equals(s));
    assert.ok(torch.cuda.currentStream().equals(before));
    s.synchronize();
    assert.equal(s.query(), true);
    assert.equal(r.sum().item(), 256 * 256 * 256);
    const start = new torch.cuda.Event({ enableTiming: true });
    const end = new torch.cuda.Event({ enableTiming: true });
    start.record();
    torch.scope(() => torch.randn(1024, 1024, { device: 'cuda' }).matmul(torch.randn(1024, 1024, { device: 'cuda' })));
    end.record();
    end.synchronize();
    assert.equal(end.query(), true);
    assert.ok(start.elapsedTime(end) > 0);
    const other = new torch.cuda.Stream({ priority: -1 });
    other.waitStream(s);
    other.waitEvent(end);
    other.synchronize();
    assert.throws(() => new torch.cuda.Event().elapsedTime(end), /recorded|enableTiming/);
    assert.throws(() => torch.cuda.withStream(s, async () => 1), /synchronous/);
    r.dispose();
  });

  it('await t.data() and async TorchScript calls run off the main thread on the caller stream', async () => {
    const g = torch.arange(1000, { dtype: 'float32', device: 'cuda' });
    const s = new torch.cuda.Stream();
    // Started inside withStream (which takes synchronous functions), awaited outside it.
    let pending;
    torch.cuda.withStream(s, () => {
      pending = g.mul(2).data();
    });
    const data = await pending;
    assert.equal(data.length, 1000);
    assert.equal(data[999], 1998);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-cuda-'));
    const file = path.join(dir, 'lin.pt');
    execFileSync('python3', ['-c', `import torch\ntorch.manual_seed(0)\nm = torch.jit.script(torch.nn.Linear(4, 2))\nm.save(${JSON.stringify(file)})`]);
    const m = torch.jit.load(file, { device: 'cuda' });
    const x = torch.randn(3, 4, { device: 'cuda' });
    const y = await m.forwardAsync(x);
    assert.equal(y.isCuda, true);
    const cpu = torch.jit.load(file);
    close(y.cpu(), cpu.forward(x.cpu()), 1e-5, 'jit on cuda vs cpu');
    cpu.to('cuda');
    close(cpu.forward(x).cpu(), y.cpu(), 1e-6, 'module moved with to()');
    m.dispose();
    cpu.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('autocast runs matmuls in float16 and leaves float32 outside', () => {
    const a = torch.randn(8, 8, { device: 'cuda' });
    const b = torch.randn(8, 8, { device: 'cuda' });
    const y = torch.autocast('cuda', () => a.matmul(b));
    assert.equal(y.dtype, 'float16');
    assert.equal(torch.autocast('cuda', () => a.matmul(b), { dtype: 'bfloat16' }).dtype, 'bfloat16');
    assert.equal(a.matmul(b).dtype, 'float32');
    assert.equal(torch.isAutocastEnabled('cuda'), false);
    close(y.float(), a.matmul(b), 0.05, 'autocast matmul');
  });

  it('float16 autocast training with the CUDA GradScaler: steps apply, an overflow skips one and backs off', () => {
    torch.manualSeed(0);
    const model = new torch.nn.Linear(16, 4).to('cuda');
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
    const scaler = new torch.cuda.amp.GradScaler({ initScale: 2 ** 10, growthInterval: 1000 });
    assert.equal(scaler.isEnabled(), true);
    const x = torch.randn(8, 16, { device: 'cuda' });
    const losses = [];
    for (let i = 0; i < 5; i++) {
      torch.scope(() => {
        opt.zeroGrad();
        const loss = torch.autocast('cuda', () => model.call(x).pow(2).mean());
        losses.push(loss.item());
        scaler.scale(loss).backward();
        scaler.step(opt);
        scaler.update();
      });
    }
    assert.ok(losses[4] < losses[0], `loss went down: ${losses}`);
    assert.equal(scaler.getScale(), 2 ** 10);
    const w = model.weight.clone();
    torch.scope(() => {
      opt.zeroGrad();
      scaler.scale(torch.autocast('cuda', () => model.call(x).sum()).mul(Infinity)).backward();
      scaler.step(opt);
      scaler.update();
    });
    assert.ok(model.weight.equal(w), 'the step with inf gradients was skipped');
    assert.equal(scaler.getScale(), 2 ** 9);
    opt.dispose();
    model.dispose();
  });

  it('fused normalizeImages on CUDA matches the composition and the CPU kernel', () => {
    torch.manualSeed(0);
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    // 33x17 images take the kernel's one-pixel path; 16x8 its four-pixel packs.
    for (const [n, h, w] of [[4, 33, 17], [2, 16, 8]]) {
      const imgs = torch.randint(0, 256, [n, h, w, 3], { dtype: 'uint8' });
      const g = torch.fused.normalizeImages(imgs.cuda(), { mean, std });
      const ref = imgs.permute(0, 3, 1, 2).float().div(255).sub(torch.tensor(mean).view(1, 3, 1, 1)).div(torch.tensor(std).view(1, 3, 1, 1));
      assert.deepEqual(g.shape, [n, 3, h, w]);
      close(g.cpu(), ref, 1e-5, `normalizeImages ${h}x${w} cuda vs composition`);
      close(g.cpu(), torch.fused.normalizeImages(imgs, { mean, std }), 1e-6, `${h}x${w} cuda vs cpu kernel`);
      const half = torch.fused.normalizeImages(imgs.cuda(), { mean, std, dtype: 'float16' });
      assert.equal(half.dtype, 'float16');
      close(half.float().cpu(), ref, 1e-2, `${h}x${w} float16`);
    }
  });

  for (const approximate of ['none', 'tanh']) {
    it(`fused biasGelu (${approximate}) on CUDA: forward and backward match the composition`, () => {
      torch.manualSeed(1);
      // 96 columns take the kernel's 16-byte packs, 7 columns and a misaligned start its one-element path.
      for (const [x, b] of [
        [torch.randn(5, 7, { device: 'cuda' }), torch.randn(7, { device: 'cuda' })],
        [torch.randn(64 * 96 + 1, { device: 'cuda' }).narrow(0, 1, 64 * 96).view(64, 96), torch.randn(96, { device: 'cuda' })],
      ]) {
        close(torch.fused.biasGelu(x, b, { approximate }), torch.nn.functional.gelu(x.add(b), { approximate }), 1e-5, `forward ${x.shape}`);
        const xg = x.clone().requiresGrad_(true);
        const g = torch.randn(x.shape, { device: 'cuda' });
        torch.fused.biasGelu(xg, b, { approximate }).backward(g);
        const xr = x.clone().requiresGrad_(true);
        torch.nn.functional.gelu(xr.add(b), { approximate }).backward(g);
        close(xg.grad, xr.grad, 1e-5, `grad input ${x.shape}`);
      }
      const x0 = torch.randn(64, 96, { device: 'cuda' });
      const b0 = torch.randn(96, { device: 'cuda' });
      const x1 = x0.clone().requiresGrad_(true);
      const b1 = b0.clone().requiresGrad_(true);
      const x2 = x0.clone().requiresGrad_(true);
      const b2 = b0.clone().requiresGrad_(true);
      const y1 = torch.fused.biasGelu(x1, b1, { approximate });
      const y2 = torch.nn.functional.gelu(x2.add(b2), { approximate });
      close(y1, y2, 1e-5, 'forward');
      const g = torch.randn(64, 96, { device: 'cuda' });
      y1.backward(g);
      y2.backward(g);
      close(x1.grad, x2.grad, 1e-5, 'grad input');
      close(b1.grad, b2.grad, 1e-4, 'grad bias');
      const h = torch.fused.biasGelu(x0.half(), b0.half(), { approximate });
      assert.equal(h.dtype, 'float16');
      close(h.float(), y2.detach(), 1e-2, 'float16');
    });
  }

  it('fused adam_ on CUDA matches the op-by-op Adam/AdamW over 5 steps (one launch for many tensors)', () => {
    for (const [Opt, extra] of [[torch.optim.Adam, { amsgrad: true, weightDecay: 0.1 }], [torch.optim.AdamW, {}]]) {
      torch.manualSeed(2);
      const make = () => new torch.nn.Sequential(new torch.nn.Linear(40, 64), new torch.nn.GELU(), new torch.nn.Linear(64, 10)).to('cuda');
      const a = make();
      const b = make();
      b.loadStateDict(a.stateDict());
      const oa = new Opt(a.parameters(), { lr: 0.01, ...extra });
      const ob = new Opt(b.parameters(), { lr: 0.01, ...extra, fused: true });
      const x = torch.randn(32, 40, { device: 'cuda' });
      const y = torch.randn(32, 10, { device: 'cuda' });
      for (let i = 0; i < 5; i++) {
        for (const [m, o] of [[a, oa], [b, ob]]) {
          torch.scope(() => {
            o.zeroGrad();
            torch.nn.functional.mseLoss(m.call(x), y).backward();
            o.step();
          });
        }
      }
      const sa = a.stateDict();
      const sb = b.stateDict();
      for (const k of Object.keys(sa)) close(sa[k], sb[k], 1e-5, `${Opt.name} ${k}`);
    }
  });

  it('fused adam_ handles more tensors and chunks than one launch holds', () => {
    torch.manualSeed(3);
    // 30 tensors (more than the 24 a launch takes) and 5 x 245 chunks (more than its 320 blocks).
    const shapes = Array.from({ length: 30 }, (_, i) => (i % 7 === 0 ? [2000, 2000] : [i + 1, 5]));
    const mk = () => shapes.map((s) => torch.randn(s, { device: 'cuda' }));
    const p1 = mk();
    const p2 = p1.map((t) => t.clone());
    const g = mk();
    const z = () => shapes.map((s) => torch.zeros(s, { device: 'cuda' }));
    const m1 = z(), v1 = z(), m2 = z(), v2 = z();
    const steps = shapes.map(() => 1);
    const o = { lr: 0.1, beta1: 0.9, beta2: 0.999 };
    torch.fused.adam_(p1, g, m1, v1, [], steps, o);
    // The same update, one tensor at a time on the CPU kernel.
    p2.forEach((p, i) => {
      const pc = p.cpu(), mc = m2[i].cpu(), vc = v2[i].cpu();
      torch.fused.adam_([pc], [g[i].cpu()], [mc], [vc], [], [1], o);
      close(p1[i].cpu(), pc, 1e-6, `param ${i}`);
      close(m1[i].cpu(), mc, 1e-7, `exp_avg ${i}`);
    });
  });

  it('compileKernel: NVRTC kernels launch with tensors and scalars, errors carry the log', () => {
    const src = `
      extern "C" __global__ void axpy(float a, const float* x, float* y, int n) {
        int i = blockIdx.x * blockDim.x + threadIdx.x;
        if (i < n) y[i] = a * x[i] + y[i];
      }`;
    const k = torch.cuda.compileKernel(src, 'axpy');
    assert.equal(torch.cuda.compileKernel(src, 'axpy'), k, 'cached');
    assert.deepEqual(k.signature.map((p) => p.kind), ['scalar', 'pointer', 'pointer', 'scalar']);
    const n = 1000;
    const x = torch.arange(n, { dtype: 'float32', device: 'cuda' });
    const y = torch.ones(n, { device: 'cuda' });
    k.launch({ grid: Math.ceil(n / 128), block: 128 }, 2, x, y, n);
    const expected = torch.arange(n, { dtype: 'float32' }).mul(2).add(1);
    close(y.cpu(), expected, 0, 'axpy');
    const s = new torch.cuda.Stream();
    k.launch({ grid: [8, 1, 1], block: [128], stream: s }, 1, x, y, n);
    s.synchronize();
    close(y.cpu(), expected.add(torch.arange(n, { dtype: 'float32' })), 0, 'axpy on a stream');
    assert.throws(() => k.launch({ grid: 1, block: 1 }, 2, x.double(), y, n), /must be a float32 tensor/);
    assert.throws(() => k.launch({ grid: 1, block: 1 }, 2, x.cpu(), y, n), /is on cpu/);
    assert.throws(() => k.launch({ grid: 1, block: 1 }, 2, x, y), /takes 4 argument/);
    assert.throws(() => k.launch({ grid: 1, block: 1 }, 2, x.view(10, 100).t(), y, n), /not contiguous/);
    assert.throws(() => torch.cuda.compileKernel('__global__ void bad(float* x) { x[0] = undefined_name; }', 'bad'), (e) => e instanceof torch.TorchError && /undefined_name/.test(e.message));
    assert.throws(() => torch.cuda.compileKernel(src, 'nope'), /nope/);
    // Templates: no readable signature, so scalars say their type.
    const t = torch.cuda.compileKernel('template <typename T> __global__ void fill(T* x, T v, int n) { int i = threadIdx.x; if (i < n) x[i] = v; }', 'fill<float>');
    assert.equal(t.signature, null);
    const f = torch.empty(64, { device: 'cuda' });
    t.launch({ grid: 1, block: 64 }, f, { type: 'float32', value: 3 }, { type: 'int32', value: 64 });
    assert.equal(f.sum().item(), 192);
    assert.throws(() => t.launch({ grid: 1, block: 64 }, f, 3, 64), /need their C type/);
  });

  it('scaledDotProductAttention and rmsNorm on CUDA match the math on the CPU (float16: fused attention kernels)', () => {
    torch.scope(() => {
      torch.manualSeed(0);
      const [q, k, v] = [torch.randn(2, 4, 64, 64), torch.randn(2, 4, 80, 64), torch.randn(2, 4, 80, 64)];
      // The definition, in float32 on the CPU, from plain ops.
      const causal = torch.ones(64, 80, { dtype: 'bool' }).tril().logicalNot();
      const scores = q.matmul(k.transpose(-2, -1)).div(8).maskedFill(causal, -Infinity);
      const want = torch.softmax(scores, -1).matmul(v);
      const F = torch.nn.functional;
      for (const dtype of ['float32', 'float16']) {
        const on = (t) => t.to('cuda', { dtype });
        const got = F.scaledDotProductAttention(on(q), on(k), on(v), { isCausal: true });
        assert.equal(got.isCuda, true);
        assert.equal(got.dtype, dtype);
        close(got.cpu().to('float32'), want, dtype === 'float16' ? 5e-3 : 1e-4, `sdpa ${dtype}`);
      }
      const x = torch.randn(8, 256);
      const w = torch.rand(256);
      const ref = x.mul(x.pow(2).mean(-1, true).add(1e-6).rsqrt()).mul(w);
      close(F.rmsNorm(x.cuda(), [256], { weight: w.cuda(), eps: 1e-6 }).cpu(), ref, 1e-4, 'rms_norm');
    });
  });

  it('jit.trace records a CUDA module; the file loads back onto the GPU with the same outputs', () => {
    torch.scope(() => {
      torch.manualSeed(0);
      const net = new torch.nn.Sequential(new torch.nn.Conv2d(3, 8, 3), new torch.nn.ReLU(), new torch.nn.Flatten(), new torch.nn.LazyLinear(4)).cuda();
      const x = torch.randn(2, 3, 10, 10, { device: 'cuda' });
      net.call(x); // the lazy layer takes its shape
      const traced = torch.jit.trace(net.eval(), x);
      close(traced.forward(x), net.call(x), 0, 'traced vs eager');
      const file = path.join(os.tmpdir(), `torchnode-trace-${process.pid}.pt`);
      traced.save(file);
      const back = torch.jit.load(file, { device: 'cuda' });
      fs.rmSync(file);
      assert.equal(back.namedParameters()[0][1].isCuda, true);
      close(back.forward(x), net.call(x), 0, 'loaded vs eager');
      back.dispose();
      traced.dispose();
      net.dispose();
    });
  });

  it('DataLoader pinMemory pins batches, from workers too, and they copy to the GPU without blocking', () => {
    const ds = new torch.utils.data.TensorDataset(torch.arange(64, { dtype: 'float32' }).reshape(16, 4));
    for (const numWorkers of [0, 1]) {
      const batches = [...new torch.utils.data.DataLoader(ds, { batchSize: 8, numWorkers, pinMemory: true })];
      for (const [b] of batches) {
        assert.equal(b.isPinned(), true, `numWorkers ${numWorkers}`);
        const g = b.cuda(undefined, { nonBlocking: true });
        torch.cuda.synchronize();
        close(g.cpu(), b, 0, 'pinned copy');
        g.dispose();
        b.dispose();
      }
    }
    ds.dispose();
  });

  it('disposing CUDA tensors frees their memory; a disposed tensor is a clear error', () => {
    torch.cuda.synchronize();
    const base = torch.cuda.memoryAllocated();
    torch.scope(() => {
      for (let i = 0; i < 100; i++) torch.randn(256, 256, { device: 'cuda' }).relu();
    });
    assert.equal(torch.cuda.memoryAllocated(), base);
    const t = torch.ones(4, { device: 'cuda' });
    t.dispose();
    assert.throws(() => t.cpu(), /disposed/);
  });

  return list;
}

module.exports = { cases };
