// Scenarios that need the same process count and are independent share one mpirun launch: each is a
// case (a name and the environment its rank program reads) of cases-program.ts, which runs the program
// once per case in every rank and gives each its own OUT_DIR/<name>. Start-up (mpirun, node, the
// addons, MPI) is paid once per process count instead of once per scenario. A case must leave every
// rank in step (a failure that every rank throws at the same collective is fine); one that ends the job
// (a rank that dies or exits) needs its own launch.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { execMpirun, nodeProgram } from './mpirun.js';
import { transpiled } from './transpiled.js';

export interface CaseResult<R> {
  /** The launch's exit code (-1: its timeout killed it) and output, shared by its cases. */
  code: number;
  stderr: string;
  /** What each rank wrote for this case, in rank order. */
  ranks: R[];
  out: string;
  /** The case's environment, as added. */
  env: Record<string, string>;
}

/** The rank-<r>.json files of `dir`, in rank order. */
export function readRanks<R>(dir: string): R[] {
  const files = readdirSync(dir)
    .filter((f) => /^rank-\d+\.json$/.test(f))
    .sort((a, b) => Number(a.slice(5, -5)) - Number(b.slice(5, -5)));
  return files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as R);
}

/** The cases of one rank program, launched once per process count on the first result asked for. */
export class MpiCases<R> {
  private readonly cases = new Map<string, { np: number; env: Record<string, string> }>();
  private readonly launches = new Map<number, Promise<{ code: number; stderr: string; out: string }>>();
  private readonly dirs: string[] = [];

  /**
   * @param program the rank program, relative to the package root (test/**\/*-program.ts)
   * @param options.env the environment of every launch; options.unset: variables of this process's it does not get
   */
  constructor(
    private readonly program: string,
    private readonly options: { env?: Record<string, string>; unset?: readonly string[] } = {},
  ) {}

  /** Adds a case of `np` processes (before any result is asked for). */
  add(name: string, np: number, env: Record<string, string>): void {
    if (this.cases.has(name)) throw new RangeError(`case ${name} was added twice`);
    if (this.launches.has(np)) throw new RangeError(`case ${name}: the -np ${np} launch has already started`);
    this.cases.set(name, { np, env });
  }

  /** The result of case `name`, once its launch has ended. */
  async result(name: string): Promise<CaseResult<R>> {
    const c = this.cases.get(name);
    if (c === undefined) throw new RangeError(`no case ${name}`);
    let launch = this.launches.get(c.np);
    if (launch === undefined) {
      launch = this.launch(c.np);
      this.launches.set(c.np, launch);
    }
    const { code, stderr, out } = await launch;
    const dir = join(out, name);
    let ranks: R[] = [];
    try {
      ranks = readRanks<R>(dir);
    } catch {
      // the launch ended before this case ran: the code and stderr say why
    }
    return { code, stderr, ranks, out: dir, env: c.env };
  }

  /** Removes every launch's output directory. */
  remove(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }

  private async launch(np: number): Promise<{ code: number; stderr: string; out: string }> {
    const out = mkdtempSync(join(tmpdir(), 'nntrain-cases-'));
    this.dirs.push(out);
    const cases = [...this.cases].filter(([, c]) => c.np === np).map(([name, c]) => ({ name, env: c.env }));
    const env = { ...this.options.env, OUT_DIR: out, PROGRAM: transpiled(this.program), CASES: JSON.stringify(cases) };
    // each case has the time one launch had before
    const timeoutMs = 30_000 + 15_000 * cases.length;
    const { code, stderr } = await execMpirun(['-np', String(np), ...nodeProgram('test/helpers/cases-program.ts')], { env, unset: this.options.unset, timeoutMs });
    return { code, stderr, out };
  }
}
