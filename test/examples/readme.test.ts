// The README's example runs as written (with 'nntrain' resolved to this checkout).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runTs } from '../helpers/run-script.js';

/** The `index`th ```ts block under ## Example. */
function readmeExample(index = 0): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Example'));
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)];
  if (blocks.length <= index) throw new Error(`README.md has no ts block ${index} under ## Example`);
  return blocks[index][1];
}

async function runExample(index: number) {
  const code = readmeExample(index).replace("from 'nntrain'", `from '${join(ROOT, 'src', 'index.js')}'`);
  const file = join(mkdtempSync(join(tmpdir(), 'nntrain-readme-')), 'example.mts');
  writeFileSync(file, code);
  return runTs(file);
}

describe('README', () => {
  it('shows the two-command quick start', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm install && npm run demo');
    expect(readme).toContain('npm test');
  });

  it('example runs as written and learns XOR', async () => {
    const result = await runExample(0);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/accuracy: 1\b/);
  });

  it('the Keras-habits example runs on the bundled iris.csv as written', async () => {
    const result = await runExample(1);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('setosa 131');
  });
});
