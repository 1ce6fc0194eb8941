// Writes the training report beside the model: `<name>.report.svg` (the learning curves) and
// `<name>.report.html` (the self-contained page, with the same SVG inline), each atomically.

import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { ConfigError } from '../util/errors.js';
import { describe, readOptions } from '../util/validate.js';
import { reportHtml, REPORT_OPTION_KEYS, type ReportOptions } from './html.js';
import { learningCurvesSvg } from './learning-curves.js';

/** Options of {@link writeReport}: those of {@link reportHtml}, plus the file name stem for a directory target. */
export interface WriteReportOptions extends ReportOptions {
  /** The stem of the file names when `target` is a directory (default 'nntrain'); not allowed with a base path. */
  name?: string;
}

/** Where {@link writeReport} wrote the two files (absolute paths). */
export interface ReportPaths {
  svgPath: string;
  htmlPath: string;
}

/** The model file extension, dropped from a base path: `digits.nntrain` → `digits.report.html`. */
const MODEL_EXTENSION = '.nntrain';

/**
 * Writes `<name>.report.svg` and `<name>.report.html` and returns their paths.
 *
 * `target` is either
 * - a directory (one that exists, or any path ending in a path separator, created if missing): the files
 *   are `<target>/<options.name ?? 'nntrain'>.report.*`;
 * - a base path such as the model file: the files go beside it, named after it without a trailing
 *   `.nntrain` (`out/digits.nntrain` → `out/digits.report.svg`, `out/run1` → `out/run1.report.svg`).
 *   Its directory must exist.
 *
 * The SVG is `options.svg`, else drawn from `options.history` (an empty figure without one); the HTML page
 * embeds the same SVG. Each file is written atomically (temporary file, fsync, rename), SVG first, so a
 * crash leaves either the old or the new version of each file, never a partial one.
 * @example const { htmlPath } = await writeReport('models/digits.nntrain', { title: 'digits', config, history, evaluation });
 * @throws ConfigError for bad options or a `name` given with a base path.
 * @throws the fs error of a failed write (ENOENT for a missing directory, EACCES, ENOSPC, …).
 */
export async function writeReport(target: string, options: WriteReportOptions = {}): Promise<ReportPaths> {
  const opts = readOptions<WriteReportOptions>('writeReport', options, [...REPORT_OPTION_KEYS, 'name']);
  if (typeof target !== 'string' || target === '') throw new ConfigError(`Expected a directory or base path for the report but received ${describe(target)}`);
  const { dir, stem } = await resolveTarget(target, opts.name);
  const { name: _name, ...pageOptions } = opts;
  const svg = opts.svg ?? learningCurvesSvg(opts.history ?? { history: {} }, opts.curves);
  const html = reportHtml({ ...pageOptions, svg });

  const svgPath = join(dir, `${stem}.report.svg`);
  const htmlPath = join(dir, `${stem}.report.html`);
  await writeFileAtomic(svgPath, Buffer.from(`${svg}\n`, 'utf8'));
  await writeFileAtomic(htmlPath, Buffer.from(html, 'utf8'));
  return { svgPath, htmlPath };
}

async function resolveTarget(target: string, name: unknown): Promise<{ dir: string; stem: string }> {
  const isDir = target.endsWith(sep) || target.endsWith('/') || (await isDirectory(target));
  if (name !== undefined && (typeof name !== 'string' || !/^[^/\\]+$/.test(name) || name === '.' || name === '..')) {
    throw new ConfigError(`Expected a file name without directories for name but received ${describe(name)}`);
  }
  if (isDir) {
    const dir = resolve(target);
    await mkdir(dir, { recursive: true });
    return { dir, stem: name ?? 'nntrain' };
  }
  if (name !== undefined) {
    throw new ConfigError(`name is only for a directory target; '${target}' is a base path, so the report is named after it`);
  }
  const abs = resolve(target);
  const file = basename(abs);
  const stem = file.endsWith(MODEL_EXTENSION) && file.length > MODEL_EXTENSION.length ? file.slice(0, -MODEL_EXTENSION.length) : file;
  return { dir: dirname(abs), stem };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
