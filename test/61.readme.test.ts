// The README's TypeScript examples typecheck against torchnode's own types, so the docs cannot
// drift from the API (a renamed method or option fails here). Running them is left to the suites
// that test each call with real files and values.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..');

/** ```ts blocks of a Markdown text (also indented ones, in list items), with the line each starts on. */
export function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const re = /^( *)```ts\n([\s\S]*?)^\1```/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    const indent = m[1].length;
    const code = m[2].split('\n').map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n');
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, code });
  }
  return blocks;
}

// Names the excerpts use without making them (a model from the section before, kernel buffers).
const AMBIENT: Record<string, string> = {
  x: 'torch.Tensor',
  model: 'torch.jit.ScriptModule',
  xs: 'torch.Tensor',
  ys: 'torch.Tensor',
};

/** The block as a module: torchnode imported (unless it does so), excerpt names declared. */
function asModule(code: string): string {
  const head: string[] = [];
  if (!/^import \* as torch from 'torchnode';/m.test(code)) head.push("import * as torch from 'torchnode';");
  head.push("import { nn, optim } from 'torchnode';");
  for (const [name, type] of Object.entries(AMBIENT)) {
    const used = new RegExp(`\\b${name}\\b`).test(code);
    const made = new RegExp(`\\b(const|let|var)\\s+${name}\\b`).test(code);
    if (used && !made) head.push(`declare const ${name}: ${type};`);
  }
  // One line of prelude, so diagnostics map back to README lines by a fixed offset.
  return `${head.join(' ')} export {};\n${code}`;
}

/** Type errors of each block, as "README.md:LINE: message". */
function typecheck(markdown: string): string[] {
  const blocks = tsBlocks(markdown);
  const files = new Map(blocks.map((b, i) => [path.join(root, `readme-example-${i}.ts`), asModule(b.code)]));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    baseUrl: root,
    paths: { torchnode: ['src-ts/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (f) => files.has(f) || fs.existsSync(f);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.getSourceFile = (f, lang, ...rest) => {
    const text = files.get(f);
    return text !== undefined ? ts.createSourceFile(f, text, lang) : getSourceFile(f, lang, ...rest);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const names = [...files.keys()];
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => {
      const block = blocks[names.indexOf(d.file!.fileName)];
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `README.md:${block.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('README examples', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

  it('has TypeScript examples to check', () => {
    expect(tsBlocks(readme).length).toBeGreaterThanOrEqual(5);
  });

  it('every TypeScript example typechecks against the package', () => {
    expect(typecheck(readme)).toEqual([]);
  }, 120_000);

  it('a call the API lacks is reported with its README line', () => {
    const bad = 'Intro.\n\n```ts\nconst t = torch.zeros(2);\nt.notAMethod();\n```\n- item:\n  ```ts\n  torch.ones(1).sum({ dim: 0, keepDim: true });\n  ```\n';
    const errors = typecheck(bad);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^README\.md:5: Property 'notAMethod' does not exist on type 'Tensor'/);
    expect(errors[1]).toMatch(/^README\.md:9: [\s\S]*'keepDim' does not exist/);
  }, 120_000);
});
