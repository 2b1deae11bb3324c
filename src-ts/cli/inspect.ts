/** `torchnode inspect`: what a TorchScript file holds. */
import type { ScriptModule } from '../jit';

export interface ModuleTree {
  name: string;
  type: string;
  parameters: number;
  children: ModuleTree[];
}

export interface Inspection {
  file: string;
  type: string;
  methods: { name: string; schema: string }[];
  parameters: { count: number; bytes: number; byDtype: Record<string, { count: number; bytes: number }> };
  buffers: { count: number; bytes: number };
  tree: ModuleTree;
}

const ITEM: Record<string, number> = { float64: 8, int64: 8, complex64: 8, complex128: 16, float32: 4, int32: 4, float16: 2, bfloat16: 2, int16: 2 };

function tree(name: string, m: ScriptModule): ModuleTree {
  return {
    name,
    type: m.typeName,
    parameters: m.parameters().reduce((n, p) => n + p.numel(), 0),
    children: m.namedChildren().map(([k, c]) => tree(k, c)),
  };
}

export function inspect(file: string, m: ScriptModule): Inspection {
  const byDtype: Record<string, { count: number; bytes: number }> = {};
  let count = 0;
  let bytes = 0;
  for (const p of m.parameters()) {
    const n = p.numel();
    const b = n * (ITEM[p.dtype] ?? 1);
    byDtype[p.dtype] ??= { count: 0, bytes: 0 };
    byDtype[p.dtype].count += n;
    byDtype[p.dtype].bytes += b;
    count += n;
    bytes += b;
  }
  const bufs = m.buffers();
  return {
    file,
    type: m.typeName,
    methods: m.methods(),
    parameters: { count, bytes, byDtype },
    buffers: { count: bufs.reduce((n, t) => n + t.numel(), 0), bytes: bufs.reduce((n, t) => n + t.numel() * (ITEM[t.dtype] ?? 1), 0) },
    tree: tree('', m),
  };
}

function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function formatInspection(x: Inspection): string {
  const lines = [`${x.file}: ${x.type}`, '', 'methods:'];
  for (const m of x.methods) lines.push(`  ${m.schema}`);
  lines.push('', `parameters: ${x.parameters.count.toLocaleString('en-US')} (${human(x.parameters.bytes)})`);
  for (const [d, v] of Object.entries(x.parameters.byDtype)) lines.push(`  ${d}: ${v.count.toLocaleString('en-US')} (${human(v.bytes)})`);
  lines.push(`buffers: ${x.buffers.count.toLocaleString('en-US')} (${human(x.buffers.bytes)})`, '', 'modules:');
  const walk = (t: ModuleTree, depth: number) => {
    lines.push(`${'  '.repeat(depth + 1)}${t.name || '(root)'}: ${t.type} [${t.parameters.toLocaleString('en-US')} params]`);
    for (const c of t.children) walk(c, depth + 1);
  };
  walk(x.tree, 0);
  return lines.join('\n');
}
