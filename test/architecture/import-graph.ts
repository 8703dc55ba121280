// Reads the import graph of src/: every relative import of every src/**/*.ts file (static `import … from`,
// `export … from`, side-effect `import '…'`, dynamic `import('…')`, type-only imports too), and folds it onto
// modules: a top-level folder under src/ is one module, and each file at the root of src/ is its own module.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  from: string; // file, relative to src/, with forward slashes
  to: string;
}

export const SRC = resolve(import.meta.dirname, '../../src');

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTs(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function toRel(path: string): string {
  return relative(SRC, path).split(sep).join('/');
}

function resolveSpecifier(fromFile: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined; // packages and node: builtins are outside the graph
  const base = resolve(dirname(fromFile), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts'), base];
  return candidates.find((c) => c.endsWith('.ts') && existsSync(c) && statSync(c).isFile());
}

/** Every relative import between files of src/ (a specifier that resolves to no .ts file is left out). */
export function readImports(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of listTs(SRC)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      const target = resolveSpecifier(file, ref.fileName);
      if (target) edges.push({ from: toRel(file), to: toRel(target) });
    }
  }
  return edges;
}

/** The module a file belongs to: its top-level folder under src/, or the file itself when it sits at the root. */
export function moduleOf(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? file : file.slice(0, slash);
}

export type ModuleGraph = Map<string, Map<string, ImportEdge>>; // module → imported module → one example import

export function foldOntoModules(edges: readonly ImportEdge[]): ModuleGraph {
  const graph: ModuleGraph = new Map();
  for (const e of edges) {
    const a = moduleOf(e.from);
    const b = moduleOf(e.to);
    if (!graph.has(a)) graph.set(a, new Map());
    if (!graph.has(b)) graph.set(b, new Map());
    if (a === b) continue;
    const out = graph.get(a) as Map<string, ImportEdge>;
    if (!out.has(b)) out.set(b, e);
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan), each sorted, largest first. */
export function cyclicGroups(graph: ModuleGraph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return groups.sort((a, b) => b.length - a.length || a[0]!.localeCompare(b[0]!));
}

/** The elementary two-way and longer cycles inside a group, as module paths a → b → … → a (shortest per pair). */
export function shortestCycleThrough(
  graph: ModuleGraph,
  start: string,
  within: ReadonlySet<string>,
): string[] {
  // BFS from start's successors back to start, staying within the group.
  const prev = new Map<string, string>();
  const queue: string[] = [];
  for (const w of graph.get(start)?.keys() ?? []) {
    if (!within.has(w) || prev.has(w)) continue;
    prev.set(w, start);
    queue.push(w);
  }
  while (queue.length > 0) {
    const v = queue.shift() as string;
    if (v === start) break;
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!within.has(w) || prev.has(w)) continue;
      prev.set(w, v);
      queue.push(w);
    }
  }
  const path = [start];
  let at = prev.get(start);
  while (at !== undefined && at !== start) {
    path.unshift(at);
    at = prev.get(at);
  }
  path.unshift(start);
  return path;
}

export function describeCycle(graph: ModuleGraph, path: readonly string[]): string {
  const lines = [path.join(' → ')];
  for (let i = 0; i + 1 < path.length; i++) {
    const e = graph.get(path[i] as string)?.get(path[i + 1] as string);
    if (e) lines.push(`    ${path[i]} → ${path[i + 1]}: ${e.from} imports ${e.to}`);
  }
  return lines.join('\n');
}

export function describeGraph(graph: ModuleGraph): string {
  return [...graph.keys()]
    .sort()
    .map((m) => `${m} → ${[...(graph.get(m)?.keys() ?? [])].sort().join(', ') || '(nothing)'}`)
    .join('\n');
}
