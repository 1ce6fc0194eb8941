#!/usr/bin/env node
// Checks the direction of the relative imports under src/ (run by `npm run lint`). The direction is
// cli → models → training → io → util. Every `import … from '…'`, `export … from '…'` (type-only
// included), side-effect `import '…'` and `import('…')` is read with a regex; the target's top-level
// directory under src/ is its module.
//
// 1. Layers: along that chain nothing imports a directory before it (training never imports models or
//    cli, models never cli); src/io/** may import only io and util (io turns bytes into plain contents; it
//    does not know models, training, backends or callbacks); src/util/** may import only util. One line
//    per violation.
// 2. Cycles: the directory-level import graph of all of src/ must have no cycle, except exactly those in
//    KNOWN_CYCLES (none now; a listed cycle that grows, e.g. a third directory joining one, fails).
//    A listed cycle that no longer exists is reported as a note: delete it from KNOWN_CYCLES.
//
// Usage: node scripts/check-imports.mjs [srcDir] [--known-cycle a,b ...]   (default: src/ of this
// package; --known-cycle adds a cycle to the known ones, for the script's own tests). Exit 1 on a violation.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHAIN = ['cli', 'models', 'training', 'io', 'util'];
const ALLOWED = { io: ['io', 'util'], util: ['util'] };
const KNOWN_CYCLES = [];

const args = process.argv.slice(2);
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--known-cycle' && args[i + 1] !== undefined) KNOWN_CYCLES.push(args[++i].split(','));
  else positional.push(args[i]);
}
const srcDir = resolve(positional[0] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src'));
const IMPORT_RES = [
  /\b(?:import|export)\b[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/g, // import x from, import type {…} from, export * from
  /\bimport\s*['"]([^'"]+)['"]/g, // import './side-effect.js'
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('./lazy.js')
];

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|cts|tsx|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

/** Relative import specifiers of a source file (comments that start a line are skipped). */
function relativeImports(text) {
  const code = text.replace(/^\s*\/\*[\s\S]*?\*\//gm, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = new Set();
  for (const re of IMPORT_RES) for (const m of code.matchAll(re)) if (m[1].startsWith('.')) specs.add(m[1]);
  return [...specs];
}

/** The top-level directory under src/ of a path ('(root)' for src/index.ts), or null outside src/. */
function moduleOf(path) {
  const rel = relative(srcDir, path);
  if (rel.startsWith('..') || rel === '') return null;
  const parts = rel.split(sep);
  return parts.length === 1 ? '(root)' : parts[0];
}

const problems = [];
const notes = [];
const edges = new Map(); // from → Map(to → first "file imports 'spec'")
for (const file of sourceFiles(srcDir)) {
  const from = moduleOf(file);
  const shown = relative(process.cwd(), file);
  for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
    const to = moduleOf(resolve(dirname(file), spec));
    if (to === null || to === from) continue;
    if (ALLOWED[from] !== undefined && !ALLOWED[from].includes(to)) {
      problems.push(`${shown}: imports '${spec}' (${to}); ${from} may import only ${ALLOWED[from].join(', ')}`);
    } else if (CHAIN.includes(from) && CHAIN.indexOf(to) >= 0 && CHAIN.indexOf(to) < CHAIN.indexOf(from)) {
      problems.push(`${shown}: imports '${spec}' (${to}); ${from} may not import ${CHAIN.slice(0, CHAIN.indexOf(from)).join(', ')} (${CHAIN.join(' → ')})`);
    }
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${shown} imports '${spec}'`);
  }
}

// strongly connected components (Tarjan); one with several directories is a cycle
const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])].sort();
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
let counter = 0;
function connect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) components.push(component.sort());
  }
}
for (const v of nodes) if (!index.has(v)) connect(v);

const sameSet = (a, b) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
for (const component of components) {
  if (KNOWN_CYCLES.some((known) => sameSet(known, component))) continue;
  const inside = component.flatMap((a) => component.filter((b) => edges.get(a)?.has(b)).map((b) => edges.get(a).get(b)));
  problems.push(`import cycle among src/ directories ${component.join(', ')}: ${inside.join('; ')}`);
}
for (const known of KNOWN_CYCLES) {
  if (!components.some((c) => sameSet(known, c))) notes.push(`note: the known cycle ${known.join(' ↔ ')} is gone; delete it from KNOWN_CYCLES`);
}

for (const note of notes) console.log(note);
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`imports: ${nodes.length} src/ directories, ${CHAIN.join(' → ')} one way, no new cycles`);
