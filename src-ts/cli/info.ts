/** What `torchnode info` says about the BLAS beyond its name: settings that cost speed or correctness. */
import type { Config } from '../index';

export function blasNotes(c: Pick<Config, 'numThreads' | 'blas'>): string[] {
  const notes: string[] = [];
  // OpenBLAS's pthread build keeps its own thread pool, which spins against LibTorch's OpenMP
  // threads: an MLP training step measured about 1.8x slower on 2 cores than with the OpenMP build.
  if (c.blas.name === 'OpenBLAS' && !/\bUSE_OPENMP\b/.test(c.blas.detail) && c.numThreads > 1) {
    notes.push(
      "OpenBLAS's pthread build: its threads compete with LibTorch's; install its OpenMP build " +
        '(Debian/Ubuntu: apt-get install libopenblas0-openmp, then make it the libblas.so.3 alternative) ' +
        'or set OMP_WAIT_POLICY=PASSIVE',
    );
  }
  if (c.blas.complexDotCorrected) {
    notes.push('returns complex dot products by another convention than LibTorch expects; torchnode computes them without it');
  }
  return notes;
}
