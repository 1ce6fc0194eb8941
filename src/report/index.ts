// The training report: learning curves as SVG, a self-contained HTML page, and writing both beside the
// model. Re-exports only.

export { learningCurvesSvg, type LearningCurvesOptions } from './learning-curves.js';
export { reportHtml, type ReportOptions } from './html.js';
export { writeReport, type WriteReportOptions, type ReportPaths } from './write-report.js';
export type { HistoryLike } from './panels.js';
export { escapeXml } from './markup.js';
