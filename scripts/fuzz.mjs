#!/usr/bin/env node
// npm run fuzz -- [--seconds N] [--target csv|plan|model]: builds the fuzz targets of fuzz/ into
// build-fuzz/, makes the seed corpora (fuzz/seeds.ts), runs each target for N seconds (default 60) and
// prints executions, coverage and crashes. Exits 1 when a target crashed (a sanitizer report, a
// failed check, an unexpected exception, a hang or running out of memory); the input is saved under
// build-fuzz/artifacts/<target>/ and the whole log under build-fuzz/logs/<target>.log.
//   csv    fuzz/csv_reader.cc   libFuzzer + ASan + UBSan, the native CSV reader, any bytes and options
//   plan   fuzz/plan_decode.cc  libFuzzer + ASan + UBSan, decode_plan and the executor on any plan vector
//   model  fuzz/model_loader.ts coverage-guided (V8 block coverage), the TypeScript model-file loader
// Needs clang with its libFuzzer runtime (Debian: clang-14 libclang-rt-14-dev; FUZZ_CXX picks another).
// Corpora grow in build-fuzz/corpus/<target>/ across runs; fuzz/corpus/<target>/ holds the inputs of
// past findings and is replayed first.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build-fuzz');
const TARGETS = ['csv', 'plan', 'model'];

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    target: { type: 'string', multiple: true },
  },
});
const seconds = Number(values.seconds);
if (!Number.isInteger(seconds) || seconds < 1) fail(`--seconds must be an integer >= 1, not ${values.seconds}`);
const targets = values.target ?? TARGETS;
for (const t of targets) if (!TARGETS.includes(t)) fail(`unknown --target ${t} (one of ${TARGETS.join(', ')})`);

function fail(message) {
  console.error(`fuzz: ${message}`);
  process.exit(2);
}

// ---- building the libFuzzer targets ----

const FLAGS = ['-std=c++20', '-g', '-O1', '-fno-omit-frame-pointer', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=undefined', '-Wall', '-Wextra', '-Wno-unused-parameter'];

function files(dir, ext) {
  return readdirSync(join(root, dir), { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => f.endsWith(ext));
}

const NATIVE = {
  csv: ['fuzz/csv_reader.cc', ...files('native/csv', '.cc'), 'native/threads/pool.cc'],
  plan: ['fuzz/plan_decode.cc', 'native/binding/plan_decode.cc', ...files('native/train', '.cc'), ...files('native/kernels', '.cc'), 'native/threads/pool.cc'],
};
const BINARY = { csv: 'csv_reader', plan: 'plan_decode' };

function compiler() {
  const candidates = process.env.FUZZ_CXX ? [process.env.FUZZ_CXX] : ['clang++-14', 'clang++'];
  for (const cxx of candidates) {
    if (spawnSync(cxx, ['--version'], { stdio: 'ignore' }).status === 0) return cxx;
  }
  fail('no clang++ found: install clang-14 and libclang-rt-14-dev (Debian), or set FUZZ_CXX');
}

/** Builds a target unless its binary is newer than every C++ source and header it may use. */
function build(target, cxx) {
  const binary = join(out, BINARY[target]);
  const inputs = [...files('fuzz', '.cc'), ...files('native', '.cc'), ...files('native', '.h')];
  const newest = Math.max(...inputs.map((f) => statSync(join(root, f)).mtimeMs));
  if (existsSync(binary) && statSync(binary).mtimeMs > newest) return Promise.resolve(binary);
  console.log(`fuzz: building ${relative(root, binary)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cxx, [...FLAGS, ...NATIVE[target], '-o', binary], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve(binary) : reject(new Error(`building ${target} failed (exit ${code})`))));
  });
}

// ---- running ----

/**
 * Runs a command with its output in a log; resolves { code, hung, log, logPath }. The child is killed
 * (hung) after `quiet` ms without output or `limit` ms in all.
 */
function run(target, command, args, { quiet = Infinity, limit = Infinity }) {
  const logPath = join(out, 'logs', `${target}.log`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const started = Date.now();
    let heard = started;
    let hung = false;
    const take = (chunk) => {
      log += chunk;
      heard = Date.now();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const watchdog = setInterval(() => {
      if (Date.now() - heard > quiet || Date.now() - started > limit) {
        hung = true;
        child.kill('SIGKILL');
      }
    }, 1000);
    child.on('close', (code, signal) => {
      clearInterval(watchdog);
      writeFileSync(logPath, log);
      resolve({ code: code ?? (signal ? 128 : 1), hung, log, logPath });
    });
  });
}

const lastMatch = (log, re) => [...log.matchAll(new RegExp(re.source, 'g'))].at(-1);
const stat = (log, name) => lastMatch(log, new RegExp(`stat::${name}:\\s+(\\d+)`))?.[1] ?? '?';

async function runLibFuzzer(target, binary) {
  const corpus = join(out, 'corpus', target);
  const artifacts = join(out, 'artifacts', target);
  mkdirSync(corpus, { recursive: true });
  mkdirSync(artifacts, { recursive: true });
  const dirs = [corpus, join(out, 'seeds', target), join(root, 'fuzz', 'corpus', target)].filter((d) => existsSync(d));
  const args = [`-max_total_time=${seconds}`, '-timeout=10', '-rss_limit_mb=2048', '-max_len=8192', '-print_final_stats=1', `-artifact_prefix=${artifacts}/`, ...dirs];
  // libFuzzer's -timeout catches an input that hangs; this, the whole process hanging
  const r = await run(target, binary, args, { limit: (seconds + 300) * 1000 });
  const last = lastMatch(r.log, /cov: (\d+) ft: (\d+) corp: (\d+)/);
  const artifact = lastMatch(r.log, /Test unit written to (\S+)/)?.[1];
  return {
    target,
    crashed: r.code !== 0 || r.hung,
    runs: stat(r.log, 'number_of_executed_units'),
    perSecond: stat(r.log, 'average_exec_per_sec'),
    cov: last?.[1] ?? '?',
    ft: last?.[2] ?? '?',
    corpus: last?.[3] ?? '?',
    artifact: artifact ?? (r.hung ? 'none (the process hung)' : undefined),
    log: r,
  };
}

async function runModel() {
  const target = 'model';
  const corpus = join(out, 'corpus', target);
  const artifacts = join(out, 'artifacts', target);
  const work = join(out, 'work', 'model.nntrain');
  mkdirSync(dirname(work), { recursive: true });
  const seeds = [join(out, 'seeds', target), join(root, 'fuzz', 'corpus', target), join(root, 'test', 'models', 'fixtures')].filter((d) => existsSync(d));
  const args = ['--import', 'tsx', '--max-old-space-size=2048', 'fuzz/model_loader.ts', '--seconds', String(seconds), '--work', work, '--corpus', corpus, '--artifacts', artifacts, ...seeds];
  // the fuzzer reports at least every second; 30 s of silence is an input that hangs
  const r = await run(target, process.execPath, args, { quiet: 30_000, limit: (seconds + 300) * 1000 });
  let artifact = lastMatch(r.log, /input saved to (\S+)/)?.[1];
  if ((r.code !== 0 || r.hung) && artifact === undefined && existsSync(work)) {
    // killed (a hang) or died (out of memory): the file being loaded is the input
    const bytes = readFileSync(work);
    mkdirSync(artifacts, { recursive: true });
    artifact = join(artifacts, `${r.hung ? 'timeout' : 'crash'}-${createHash('sha1').update(bytes).digest('hex')}`);
    copyFileSync(work, artifact);
  }
  const last = lastMatch(r.log, /cov: (\d+) ft: (\d+) corp: (\d+)/);
  return {
    target,
    crashed: r.code !== 0 || r.hung,
    runs: stat(r.log, 'number_of_executed_units'),
    perSecond: stat(r.log, 'average_exec_per_sec'),
    cov: last?.[1] ?? '?',
    ft: last?.[2] ?? '?',
    corpus: last?.[3] ?? '?',
    artifact,
    log: r,
  };
}

mkdirSync(join(out, 'logs'), { recursive: true });
const native = targets.filter((t) => t in NATIVE);
const cxx = native.length > 0 ? compiler() : null;
const binaries = Object.fromEntries(await Promise.all(native.map(async (t) => [t, await build(t, cxx)])));
console.log('fuzz: seed corpora from the fixtures (fuzz/seeds.ts)');
const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'fuzz/seeds.ts', join(out, 'seeds')], { cwd: root, stdio: 'inherit' });
if (seeded.status !== 0) fail('fuzz/seeds.ts failed');

const results = [];
for (const target of targets) {
  console.log(`fuzz: ${target} for ${seconds} s`);
  const r = target === 'model' ? await runModel() : await runLibFuzzer(target, binaries[target]);
  results.push(r);
  if (r.crashed) {
    console.log(r.log.log.split('\n').slice(-40).join('\n'));
    console.log(`fuzz: ${target} CRASHED; input: ${r.artifact ?? 'not saved'}; log: ${relative(root, r.log.logPath)}`);
  }
}
console.log('\ntarget  executions  exec/s  cov    ft      corpus  crashes');
for (const r of results) {
  console.log(
    `${r.target.padEnd(8)}${String(r.runs).padStart(10)}  ${String(r.perSecond).padStart(6)}  ${String(r.cov).padEnd(6)} ${String(r.ft).padEnd(7)} ${String(r.corpus).padStart(6)}  ${r.crashed ? `1 (${r.artifact ?? 'see the log'})` : 0}`,
  );
}
process.exit(results.some((r) => r.crashed) ? 1 : 0);
