import { execFileSync } from 'child_process';
import * as path from 'path';
import * as torch from '../src-ts';

describe('package', () => {
  it('version and config', () => {
    expect(torch.version.torchnode).toMatch(/^\d+\.\d+\.\d+/);
    expect(torch.version.libtorch).toMatch(/^\d+\.\d+/);
    const c = torch.config();
    expect(c.numThreads).toBeGreaterThan(0);
    expect(c.blas.name).toMatch(/OpenBLAS|MKL|BLIS|reference/);
    expect(typeof c.cuda.available).toBe('boolean');
    expect(c.libtorch.builtAgainst.split('.').slice(0, 2)).toEqual(c.libtorch.version.split('.').slice(0, 2));
  });
  it('loads as ESM and as CommonJS from the build', () => {
    const root = path.join(__dirname, '..');
    const esm = execFileSync(process.execPath, ['--input-type=module', '-e', `import * as torch from ${JSON.stringify(path.join(root, 'dist', 'index.mjs'))}; import def from ${JSON.stringify(path.join(root, 'dist', 'index.mjs'))}; console.log(torch.ones(2).add(1).toString(), typeof def.tensor, torch.float32, typeof torch.nn.Linear, typeof torch.cuda.isAvailable, typeof torch.optim.Adam)`], { encoding: 'utf8' });
    expect(esm.trim()).toBe('tensor([2., 2.]) function float32 function function function');
    const cjs = execFileSync(process.execPath, ['-e', `const torch = require(${JSON.stringify(root)}); console.log(torch.tensor([1]).toString())`], { encoding: 'utf8' });
    expect(cjs.trim()).toBe('tensor([1])');
  });
  it('sets the environment LibTorch\'s MPI dependencies read at load, keeping a value the user set', () => {
    const root = path.join(__dirname, '..');
    const hookMode = (env: NodeJS.ProcessEnv): string => execFileSync(process.execPath, ['-e',
      `const before = process.env.UCX_MEM_MMAP_HOOK_MODE; require(${JSON.stringify(root)}); console.log(before + ' ' + process.env.UCX_MEM_MMAP_HOOK_MODE)`],
    { env, encoding: 'utf8' }).trim();
    const env = { ...process.env };
    delete env.UCX_MEM_MMAP_HOOK_MODE;
    expect(hookMode(env)).toBe('undefined none');
    expect(hookMode({ ...env, UCX_MEM_MMAP_HOOK_MODE: 'reloc' })).toBe('reloc reloc');
  });
  it('the binary refuses a LibTorch of another version, and the loader says how to fix it', () => {
    const root = path.join(__dirname, '..');
    let msg = '';
    try {
      execFileSync(process.execPath, ['-e', `require(${JSON.stringify(root)})`], {
        env: { ...process.env, TORCHNODE_TEST_RUNTIME_LIBTORCH: '9.9.0' },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      msg = String((e as { stderr: string }).stderr);
    }
    expect(msg).toContain(`torchnode was built against LibTorch ${torch.version.libtorch.split('.').slice(0, 2).join('.')}`);
    expect(msg).toContain('but the LibTorch loaded at run time is 9.9.0');
    expect(msg).toMatch(/built against: LibTorch \d+\.\d+/);
    expect(msg).toContain('npm run compile');
    expect(msg).not.toContain('Segmentation fault');
  });
  it('LibTorch discovery explains the three ways when none is found', () => {
    let msg = '';
    try {
      execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'find-libtorch.js')], {
        env: { ...process.env, LIBTORCH: '/nonexistent' },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      msg = String((e as { stderr: string }).stderr);
    }
    expect(msg).toContain('LIBTORCH=/nonexistent is set but');
    expect(msg).toContain('export LIBTORCH=');
    expect(msg).toContain('torch.utils.cmake_prefix_path');
    expect(msg).toContain('apt-get install libtorch-dev libopenblas0-openmp');
  });
});
