// The CSV reading API. Re-exports only.

export { readCsv, type CsvData } from './read.js';
export { readNumericCsv, type NumericCsv, type NumericCsvOptions } from './numeric.js';
export { openCsv, CsvStream, type CsvBatch, type CsvBatchBuffers } from './stream.js';
export { inferCsvSchema } from './infer.js';
export { formatSchema, layoutOf, featureNames, type CsvSchema, type CsvColumn, type CsvColumnKind, type CsvColumnRole, type CsvLayout } from './schema.js';
export type { CsvReadOptions, CsvOpenOptions, CsvSchemaOptions, ColumnRef, MissingPolicy, CategoricalEncoding, UnknownCategories } from './options.js';
export type { CsvProgress } from './progress.js';
export type { CsvShard, CsvShardRange } from './shard.js';
export { DEFAULT_MISSING_VALUES } from './number.js';
