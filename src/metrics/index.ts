// Metrics: names accepted by compile and their computation from backend stats.
export { resolveMetrics, logsFromStats, addStatsRow, emptyStats, type MetricName } from './metrics.js';
