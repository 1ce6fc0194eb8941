// Child processes started from JavaScript instead of through tsx: src/ and the test programs that child
// processes run (test/**/*-program.ts, test/**/*.child.ts) transpiled file by file with esbuild — the
// transform tsx applies — into a directory inside the package, so the package root, the addons and
// node_modules resolve as from the sources. tsx transpiles every module again in every process (about
// 0.6 s of each rank's start here, more under load); an mpirun test starts many processes, a CLI test
// many more. The CLI and src/index.ts are also bundled into one file each (packages left as imports):
// loading one module instead of some 200 takes a further 0.1 s of CPU off each CLI process and rank
// (the programs import src/index.js; cases-program.ts keeps their modules per file, as a bundle per
// case would start a second copy of the library, MPI context included).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { ROOT } from './run-script.js';

let buildDir: string | null = null;

const PROGRAM = /(-program|\.child)\.ts$/;
const CLI_BUNDLE = join('bundle', 'cli.js');

/** The .ts files that are transpiled, relative to the package root: src/ and the child-process programs of test/. */
function sources(): string[] {
  const list = (dir: string, keep: (f: string) => boolean) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter(keep)
      .map((f) => join(dir, f));
  return [...list('src', (f) => f.endsWith('.ts')), ...list('test', (f) => PROGRAM.test(f))].sort();
}

/**
 * The transpiled tree under node_modules/.cache/nntrain-transpiled/<hash of its sources>: built once for
 * given sources and shared by the workers and runs that see it (a worker builds into a scratch directory
 * and renames it into place; a loser of that race uses the winner's). Builds of other versions are removed.
 */
function transpiledRoot(): string {
  if (buildDir !== null) return buildDir;
  const files = sources();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update('\0').update(readFileSync(join(ROOT, f))).update('\0');
  const cache = join(ROOT, 'node_modules', '.cache', 'nntrain-transpiled');
  const dir = join(cache, hash.digest('hex').slice(0, 16));
  if (!existsSync(dir)) {
    mkdirSync(cache, { recursive: true });
    // (not this version's: another worker may have put it in place since the check above)
    for (const old of readdirSync(cache)) if (!old.startsWith('tmp-') && join(cache, old) !== dir) rmSync(join(cache, old), { recursive: true, force: true });
    const scratch = mkdtempSync(join(cache, 'tmp-'));
    const common = { format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' } as const;
    buildSync({ ...common, entryPoints: files.map((f) => join(ROOT, f)), outdir: scratch, outbase: ROOT });
    buildSync({ ...common, entryPoints: [join(ROOT, 'src/cli/main.ts')], bundle: true, packages: 'external', outfile: join(scratch, CLI_BUNDLE) });
    // the programs' `import … from '…/src/index.js'` loads one module, not some 200
    buildSync({ ...common, entryPoints: [join(ROOT, 'src/index.ts')], bundle: true, packages: 'external', outfile: join(scratch, 'src', 'index.js'), allowOverwrite: true });
    try {
      renameSync(scratch, dir);
    } catch {
      rmSync(scratch, { recursive: true, force: true }); // another worker put the same build in place first
    }
  }
  buildDir = dir;
  return dir;
}

/** The transpiled .js of `file` (a path under src/, or a test/**\/*-program.ts or *.child.ts, relative to the package root). */
export function transpiled(file: string): string {
  if (!(file.startsWith('src/') || (file.startsWith('test/') && PROGRAM.test(file)))) throw new RangeError(`${file} is not transpiled (only src/**/*.ts, test/**/*-program.ts and *.child.ts are)`);
  const js = join(transpiledRoot(), file.replace(/\.ts$/, '.js'));
  if (!existsSync(js)) throw new RangeError(`${file} does not exist`);
  return js;
}

/** The CLI (src/cli/main.ts) bundled into one .js file. */
export function cliBundle(): string {
  return join(transpiledRoot(), CLI_BUNDLE);
}
