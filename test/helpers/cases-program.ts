// Several cases of one rank program in one process, so that one mpirun launch checks several
// scenarios (mpi-cases.ts starts it). CASES is a JSON list of { name, env }; for each case in order, the
// environment is the launch's plus the case's, with OUT_DIR set to OUT_DIR/<name>, and PROGRAM (the
// transpiled program's path) runs again as a new module instance (its URL with ?case=<name>); the modules
// it imports are loaded once. A program that throws at its top level ends the process, as on its own.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const env = (key: string): string => {
  const value = process.env[key];
  if (value === undefined) throw new Error(`cases-program: ${key} is not set`);
  return value;
};
const program = pathToFileURL(env('PROGRAM')).href;
const cases = JSON.parse(env('CASES')) as { name: string; env: Record<string, string> }[];
const base = { ...process.env };
const out = env('OUT_DIR');

for (const c of cases) {
  for (const key of Object.keys(process.env)) if (!(key in base)) delete process.env[key];
  Object.assign(process.env, base, c.env, { OUT_DIR: join(out, c.name) });
  mkdirSync(join(out, c.name), { recursive: true });
  await import(`${program}?case=${encodeURIComponent(c.name)}`);
}
