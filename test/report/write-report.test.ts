// writeReport: file names beside the model or in a directory, atomic writes, the same SVG in both files.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { History, writeReport, ConfigError } from '../../src/index.js';
import { parsePanels, readSeries } from '../helpers/svg-parse.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nntrain-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function history(): History {
  const h = new History();
  for (let e = 0; e < 5; e++) h.record(e, { loss: 1 / (e + 1), val_loss: 1.2 / (e + 1) });
  return h;
}

describe('writeReport', () => {
  it('beside a model file: <name>.report.svg and .html, without the .nntrain extension', async () => {
    const h = history();
    const paths = await writeReport(join(dir, 'digits.nntrain'), { title: 'digits', history: h, config: { epochs: 5 } });
    expect(paths).toEqual({ svgPath: join(dir, 'digits.report.svg'), htmlPath: join(dir, 'digits.report.html') });
    const svg = await readFile(paths.svgPath, 'utf8');
    const html = await readFile(paths.htmlPath, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(html).toContain(svg.trim());
    expect(readSeries(parsePanels(svg)[0], 'val_loss').epochs).toEqual([0, 1, 2, 3, 4]);
    expect(html).toContain('<tr><th scope="row">epochs</th><td>5</td></tr>');
    expect((await readdir(dir)).sort()).toEqual(['digits.report.html', 'digits.report.svg']); // no temp files left
  });

  it('a base path without the model extension keeps its name', async () => {
    const paths = await writeReport(join(dir, 'run.v2'), { history: history() });
    expect(paths.htmlPath).toBe(join(dir, 'run.v2.report.html'));
  });

  it('into a directory, existing or ending in a separator (created), named by options.name', async () => {
    expect((await writeReport(dir, { history: history() })).svgPath).toBe(join(dir, 'nntrain.report.svg'));
    const sub = join(dir, 'reports', 'a') + '/';
    const paths = await writeReport(sub, { history: history(), name: 'mnist' });
    expect(paths.htmlPath).toBe(join(dir, 'reports', 'a', 'mnist.report.html'));
    await readFile(paths.svgPath, 'utf8');
  });

  it('replaces an earlier report', async () => {
    const target = join(dir, 'm.nntrain');
    await writeReport(target, { title: 'first', history: history() });
    await writeReport(target, { title: 'second', history: history() });
    const html = await readFile(join(dir, 'm.report.html'), 'utf8');
    expect(html).toContain('<h1>second</h1>');
    expect(html).not.toContain('<h1>first</h1>');
  });

  it('without a history: an SVG that says no epochs were recorded', async () => {
    const { svgPath } = await writeReport(join(dir, 'x'), {});
    expect(await readFile(svgPath, 'utf8')).toContain('No epochs recorded');
  });

  it('errors: name with a base path, a bad name, a missing directory', async () => {
    await expect(writeReport(join(dir, 'm.nntrain'), { name: 'x' })).rejects.toThrow(ConfigError);
    await expect(writeReport(dir, { name: '../escape' })).rejects.toThrow(ConfigError);
    await expect(writeReport('', {})).rejects.toThrow(ConfigError);
    await expect(writeReport(join(dir, 'missing', 'm.nntrain'), {})).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });
});
