// Coverage-guided mutation fuzzer for the model-file loader: decodeModelFile (src/io/model-format.ts),
// loadModel (src/models/load-model.ts) on both backends, and readCheckpoint (the training section).
// Jazzer.js, libFuzzer for Node, cannot run here: its only prebuilt addon without a download at install
// (@jazzer.js/fuzzer 4.0.0) needs glibc 2.38 (Debian 12 has 2.36), its npm package has no sources to
// rebuild it, and the older versions fetch a prebuild or LLVM from GitHub at install. So this is
// libFuzzer's loop in TypeScript: V8's block coverage (node:inspector, Profiler.takePreciseCoverage)
// of src/ for each input, a corpus of the inputs that reached new blocks or new hit-count buckets,
// and byte-, float- and JSON-level mutations that keep the checksum and sizes right often enough to
// get past them.
//
// The contract under test: a file's bytes either load or throw ModelFileError. Any other exception
// (TypeError, RangeError, ConfigError, ...) is a finding; its input is saved to the artifacts folder
// and the process exits 1 (with --keep-going: after the time is up, each distinct finding reported
// once, as libFuzzer's -ignore_crashes does for long runs). A hang or an out-of-memory death is caught by scripts/fuzz.mjs, which
// saves the file being loaded (--work) when the heartbeat stops.
//
// Usage: tsx fuzz/model_loader.ts --seconds N --work FILE --corpus DIR --artifacts DIR [--seed S]
//          [--keep-going] SEED_DIR...
//        tsx fuzz/model_loader.ts --replay FILE...   (each file once; exit 1 on a finding)

import { createHash } from 'node:crypto';
import { Session } from 'node:inspector';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nativeAvailable } from '../src/backend/index.js';
import { crc32 } from '../src/io/crc32.js';
import { decodeModelFile } from '../src/io/model-format.js';
import { loadModel, ModelFileError, readCheckpoint } from '../src/index.js';
import { mutate } from './model_mutate.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '60' },
    work: { type: 'string', default: '/tmp/nntrain-fuzz-model.nntrain' },
    corpus: { type: 'string' },
    artifacts: { type: 'string', default: '.' },
    seed: { type: 'string' },
    replay: { type: 'boolean', default: false },
    'keep-going': { type: 'boolean', default: false },
  },
});

// ---- the target ----

/** Runs one input through every entry point; returns a description of a finding, or null. */
async function runOne(bytes: Uint8Array): Promise<string | null> {
  const expected = (err: unknown): boolean => err instanceof ModelFileError;
  const describe = (where: string, err: unknown): string =>
    `${where}: ${err instanceof Error ? `${err.constructor.name}: ${err.message}\n${err.stack ?? ''}` : String(err)}`;
  try {
    decodeModelFile(bytes, 'input');
  } catch (err) {
    if (!expected(err)) return describe('decodeModelFile', err);
  }
  writeFileSync(opts.work, bytes);
  for (const backend of backends) {
    try {
      const model = await loadModel(opts.work, { backend });
      // a loaded model must also run: one row of zeros through predict
      const width = model.inputWidth;
      if (width !== null && width <= 1 << 16) await model.predict({ data: new Float32Array(width), rows: 1, cols: width });
      model.dispose();
    } catch (err) {
      if (!expected(err)) return describe(`loadModel (${backend})`, err);
    }
  }
  try {
    await readCheckpoint(opts.work);
  } catch (err) {
    if (!expected(err)) return describe('readCheckpoint', err);
  }
  return null;
}

const backends: ('js' | 'native')[] = nativeAvailable() ? ['js', 'native'] : ['js'];

// ---- coverage ----

const session = new Session();
session.connect();
const post = <T>(method: string, params?: object): T => {
  let result: T | undefined;
  let error: Error | null = null;
  // a same-thread session answers synchronously
  session.post(method, params, (err, res) => {
    error = err;
    result = res as T;
  });
  if (error !== null) throw error;
  if (result === undefined) throw new Error(`inspector: no synchronous answer to ${method}`);
  return result;
};
post('Profiler.enable');
post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });

interface Coverage {
  result: { url: string; functions: { ranges: { startOffset: number; endOffset: number; count: number }[] }[] }[];
}
const seenBlocks = new Set<string>();
const seenFeatures = new Set<string>();
const bucket = (n: number): number => (n >= 128 ? 8 : 32 - Math.clz32(n)); // 1, 2, 3-4, 5-8, ... like libFuzzer's

/** Takes (and resets) the coverage of the last input; returns how many new features it had. */
function newFeatures(): number {
  const { result } = post<Coverage>('Profiler.takePreciseCoverage');
  let added = 0;
  for (const script of result) {
    if (!script.url.includes('/src/')) continue;
    for (const fn of script.functions) {
      for (const r of fn.ranges) {
        if (r.count === 0) continue;
        const block = `${script.url}:${r.startOffset}:${r.endOffset}`;
        seenBlocks.add(block);
        const feature = `${block}:${bucket(r.count)}`;
        if (!seenFeatures.has(feature)) {
          seenFeatures.add(feature);
          added++;
        }
      }
    }
  }
  return added;
}

// ---- the loop ----

const sha1 = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');
const files = (paths: string[]): string[] =>
  paths.flatMap((p) => (statSync(p).isDirectory() ? readdirSync(p).map((f) => join(p, f)) : [p])).filter((p) => statSync(p).isFile());

function saveFinding(bytes: Uint8Array, report: string): void {
  mkdirSync(opts.artifacts, { recursive: true });
  const path = join(opts.artifacts, `crash-${sha1(bytes)}`);
  writeFileSync(path, bytes);
  console.error(`==model_loader== finding\n${report}\ninput saved to ${path}`);
}

async function replay(paths: string[]): Promise<number> {
  let findings = 0;
  for (const path of files(paths)) {
    const report = await runOne(readFileSync(path));
    console.log(`${path}: ${report === null ? 'ok' : 'FINDING'}`);
    if (report !== null) {
      console.error(report);
      findings++;
    }
  }
  return findings === 0 ? 0 : 1;
}

async function fuzz(): Promise<number> {
  const seconds = Number(opts.seconds);
  let state = opts.seed !== undefined ? Number(opts.seed) >>> 0 || 1 : (Date.now() >>> 0) | 1;
  const random = (): number => {
    // xorshift32: reproducible with --seed
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  console.log(`model_loader: seed ${state}, backends ${backends.join(', ')}, ${seconds} s`);
  const corpus: Uint8Array[] = [];
  const started = Date.now();
  let runs = 0;
  let lastStatus = started;
  const status = (what: string): void =>
    console.log(
      `#${runs}\t${what} cov: ${seenBlocks.size} ft: ${seenFeatures.size} corp: ${corpus.length} exec/s: ${Math.round((runs * 1000) / Math.max(1, Date.now() - started))}`,
    );
  const signatures = new Set<string>();
  let findings = 0;
  const execute = async (bytes: Uint8Array): Promise<number | null> => {
    newFeatures(); // drop the coverage of everything since the last input (the loop's own code)
    const report = await runOne(bytes);
    runs++;
    if (report !== null) {
      findings++;
      // one report per kind of error and place it was thrown from
      const signature = `${report.split(': ').slice(0, 2).join(': ')} at ${/\((\/[^)]*\/src\/[^)]*)\)/.exec(report)?.[1] ?? '?'}`;
      if (!signatures.has(signature)) {
        signatures.add(signature);
        saveFinding(bytes, report);
      }
      if (!opts['keep-going']) return null;
      newFeatures();
      return 0;
    }
    return newFeatures();
  };
  const keep = (bytes: Uint8Array): void => {
    corpus.push(bytes);
    if (opts.corpus !== undefined) {
      mkdirSync(opts.corpus, { recursive: true });
      writeFileSync(join(opts.corpus, sha1(bytes)), bytes);
    }
  };
  const inputs = files(positionals);
  if (opts.corpus !== undefined) {
    mkdirSync(opts.corpus, { recursive: true });
    inputs.push(...files([opts.corpus]).filter((f) => !inputs.includes(f)));
  }
  for (const path of inputs) {
    const bytes = readFileSync(path);
    const added = await execute(bytes);
    if (added === null) return 1;
    if (added > 0 || corpus.length === 0) corpus.push(bytes);
    if (Date.now() - lastStatus > 1000) {
      lastStatus = Date.now();
      status('loading');
    }
  }
  status('INITED');
  while (Date.now() - started < seconds * 1000) {
    const parent = corpus[Math.floor(random() * corpus.length)];
    const other = corpus[Math.floor(random() * corpus.length)];
    const child = mutate(parent, other, random, crc32);
    const t0 = Date.now();
    const added = await execute(child);
    if (added === null) return 1;
    if (Date.now() - t0 > 10_000) {
      saveFinding(child, `slow input: ${Date.now() - t0} ms`);
      return 1;
    }
    if (added > 0) {
      keep(child);
      status('NEW   ');
    }
    if (Date.now() - lastStatus > 1000) {
      lastStatus = Date.now();
      status('pulse ');
    }
  }
  status('DONE  ');
  console.log(`stat::number_of_executed_units: ${runs}`);
  console.log(`stat::average_exec_per_sec:     ${Math.round((runs * 1000) / (Date.now() - started))}`);
  console.log(`stat::new_units_added:          ${corpus.length}`);
  console.log(`stat::findings:                 ${findings} (${signatures.size} distinct)`);
  return findings === 0 ? 0 : 1;
}

process.exitCode = opts.replay ? await replay(positionals) : await fuzz();
session.disconnect();
