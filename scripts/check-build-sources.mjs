#!/usr/bin/env node
// Checks that the two native build files compile the same thing: native/sources.gypi is the one list of
// sources, defines and flags; binding.gyp includes it and CMakeLists.txt parses it. This script checks
//   - every native/**/*.cc is listed in sources.gypi, and every listed file exists (native/mpi/ is the
//     optional MPI addon, a build of its own: native/mpi/binding.gyp);
//   - the regex parse CMakeLists.txt uses yields exactly what gyp reads (no entry it would miss);
//   - binding.gyp and CMakeLists.txt take their lists from sources.gypi and list no sources of their own;
//   - no forbidden flag (-ffast-math, -march=native) appears in any build file.
// Exit code 1 with one line per problem.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path) => readFileSync(join(root, path), 'utf8');
const problems = [];

const gypiText = read('native/sources.gypi');
// gyp's view: a Python literal; without comments, quotes swapped and trailing commas dropped it is JSON
const gyp = JSON.parse(
  gypiText
    .replace(/#.*$/gm, '')
    .replace(/'/g, '"')
    .replace(/,(\s*[\]}])/g, '$1'),
);

// CMake's view: the same regex as gypi_list() in CMakeLists.txt
function cmakeList(key) {
  const match = new RegExp(`'${key}':[ \\t\\r\\n]*\\[([^\\]]*)\\]`).exec(gypiText);
  if (!match) return null;
  return (match[1].match(/'[^']*'/g) ?? []).map((item) => item.slice(1, -1));
}

for (const key of ['sources', 'defines', 'cflags_cc']) {
  const fromGyp = gyp[key] ?? [];
  const fromCmake = cmakeList(key);
  if (!fromCmake) problems.push(`sources.gypi: CMake cannot find the '${key}' list`);
  else if (JSON.stringify(fromGyp) !== JSON.stringify(fromCmake)) {
    problems.push(`sources.gypi: '${key}' reads differently in gyp (${fromGyp.join(' ')}) and CMake (${fromCmake.join(' ')})`);
  }
}

function ccFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ccFiles(path);
    return name.endsWith('.cc') ? [relative(join(root, 'native'), path).split('\\').join('/')] : [];
  });
}
const listed = new Set(gyp.sources);
for (const file of ccFiles(join(root, 'native'))) {
  if (!listed.has(file) && !file.startsWith('mpi/')) problems.push(`native/${file} is not listed in native/sources.gypi`);
}
for (const file of listed) {
  if (!existsSync(join(root, 'native', file))) problems.push(`native/sources.gypi lists native/${file}, which does not exist`);
}

const bindingGyp = read('binding.gyp');
const cmake = read('CMakeLists.txt');
if (!bindingGyp.includes("'native/sources.gypi'")) problems.push('binding.gyp does not include native/sources.gypi');
if (/'sources'\s*:/.test(bindingGyp)) problems.push('binding.gyp lists sources of its own');
for (const key of ['sources', 'defines', 'cflags_cc']) {
  if (!cmake.includes(`gypi_list(${key} `)) problems.push(`CMakeLists.txt does not read '${key}' from sources.gypi`);
}
if (/\.cc\b/.test(cmake.replace(/#.*$/gm, ''))) problems.push('CMakeLists.txt names .cc files of its own');

for (const [file, text] of [['native/sources.gypi', gypiText], ['binding.gyp', bindingGyp], ['CMakeLists.txt', cmake], ['native/mpi/binding.gyp', read('native/mpi/binding.gyp')]]) {
  const code = text.replace(/#.*$/gm, '');
  for (const flag of ['-ffast-math', '-march=native', '-Ofast']) {
    if (code.includes(flag)) problems.push(`${file} uses ${flag}`);
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-build-sources: ${p}`);
  process.exit(1);
}
console.log(`check-build-sources: ${listed.size} sources, ${gyp.defines.length} defines, ${gyp.cflags_cc.length} flags; binding.gyp and CMakeLists.txt agree`);
