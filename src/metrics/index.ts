// Metrics: names accepted by compile, custom metrics, and their computation from backend stats.
export { resolveMetrics, resolveAllMetrics, logsFromStats, addStatsRow, emptyStats, statsRow, metrics, RESERVED_METRIC_NAMES, type MetricName, type ResolvedMetrics } from './metrics.js';
export { CustomMetric, customMetricHigherIsBetter, type CustomMetricOptions, type MetricMatrix } from './custom.js';
