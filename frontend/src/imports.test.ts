// No import cycles in src/: a module that imports, directly or through others, a module importing it
// is half-initialised while the other runs (an undefined component or constant at load time), and the
// two can only move together. The graph is read from the source: static imports and re-exports with
// a relative path; `import type` is erased by the compiler and `import()` loads later, so neither counts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const EXTENSIONS = ['.ts', '.tsx', '/index.ts', '/index.tsx'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.(test|d)\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The relative modules a file loads when it runs. */
function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  // `import x from`, `import { a, type B } from`, `import './side-effect'`, `export { a } from`, `export * from`
  const statement = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*(?:from\s*)?['"](\.[^'"]+)['"]/gm;
  for (const m of source.matchAll(statement)) {
    const [, keyword, typeOnly, clause, specifier] = m;
    if (typeOnly) continue;
    if (keyword === 'export' && !/^(\*|\{)/.test(clause)) continue; // `export const x = '…'`
    // `import { type A, type B } from`: every name type-only, so erased as a whole
    const names = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
    if (names && names.split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '))) continue;
    specifiers.push(specifier);
  }
  return specifiers;
}

function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, ...EXTENSIONS.map((ext) => base + ext)]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Every cycle of the graph, once each (its members as paths relative to src/, in import order). */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('imports', () => {
  it('reads runtime imports and skips type-only ones', () => {
    const source = [
      "import { a } from './a';",
      "import type { B } from './b';",
      "import { type C, type D } from './c';",
      "import { type E, f } from './e';",
      "import './side';",
      "export * from './all';",
      "export { g } from './g';",
      "export const path = './not-an-import';",
      "const page = lazy(() => import('./lazy'));",
      "import React from 'react';",
    ].join('\n');
    expect(runtimeImports(source)).toEqual(['./a', './e', './side', './all', './g']);
  });

  it('finds a cycle', () => {
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('has no cycle in src/', () => {
    const graph = new Map<string, string[]>();
    for (const file of sourceFiles(SRC)) {
      const targets = runtimeImports(readFileSync(file, 'utf8')).map((s) => resolveImport(file, s));
      graph.set(file, targets.filter((t): t is string => t !== undefined));
    }
    expect(graph.size).toBeGreaterThan(50);
    const cycles = findCycles(graph).map((cycle) => cycle.map((f) => relative(SRC, f)).join(' → '));
    expect(cycles).toEqual([]);
  });
});
