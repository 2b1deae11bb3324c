import * as path from 'path';

/**
 * The compiled file `rel` (a path inside dist/), for what a worker thread loads: beside this file
 * once built; run from the sources (the tests), in the built dist/ next to them.
 */
export function builtFile(rel: string): string {
  const root = path.basename(__dirname) === 'dist' ? __dirname : path.join(__dirname, '..', 'dist');
  return path.join(root, rel);
}
