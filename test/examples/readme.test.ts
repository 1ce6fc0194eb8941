// The README's example runs as written (with 'nntrain' resolved to this checkout).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runTs } from '../helpers/run-script.js';

function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Example'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no ```ts block under ## Example');
  return match[1];
}

describe('README', () => {
  it('shows the two-command quick start', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm install && npm run demo');
    expect(readme).toContain('npm test');
  });

  it('example runs as written and learns XOR', async () => {
    const code = readmeExample().replace("from 'nntrain'", `from '${join(ROOT, 'src', 'index.js')}'`);
    const file = join(mkdtempSync(join(tmpdir(), 'nntrain-readme-')), 'example.mts');
    writeFileSync(file, code);
    const result = await runTs(file);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/accuracy: 1\b/);
  });
});
