// The contract between the CSV API and its two readers: the native one (the addon's CsvReader, parsing
// on the thread pool) and the JS fallback on csv-parse. Both take the same config, walk the file in the
// same passes, and report bad input as the same error records, so every result and every message is
// the same whichever reader ran.

import type { CsvErrorInfo } from './errors.js';

/** Numeric codes shared with native/csv/config.h (checked at load: src/backend/shared-codes.ts). */
export const KIND_CODE = { skip: 0, numeric: 1, categorical: 2 } as const;
export const MISSING_CODE = { error: 0, drop: 1, impute: 2 } as const;
/** Numbers per field in a layout: [dest (0 x, 1 y), offset, onehot (0/1)] (native/binding/csv_config.h). */
export const CSV_LAYOUT_WIDTH = 3;

/** What a reader reads (native/binding/csv_config.h checks the same fields). */
export interface SourceConfig {
  /** One ASCII character. */
  delimiter: string;
  header: boolean;
  /** Fields per record. */
  fields: number;
  /** Per field: KIND_CODE values. */
  kinds: number[];
  /** Per field: MISSING_CODE values. */
  missing: number[];
  /** Per field: a fixed category list (values outside it are errors), or null (collected by scan). */
  categories: (string[] | null)[];
  missingValues: string[];
  /** 0: the pool's size. */
  threads: number;
  blockBytes: number;
  maxBlockBytes: number;
  chunkBytes: number;
  maxCategories: number;
}

interface StepResult {
  status: 'ok' | 'aborted' | 'error';
  /** File offset reached. */
  bytes: number;
  totalBytes: number;
  error?: CsvErrorInfo;
}

export interface ScanResult extends StepResult {
  /** The file is exhausted. */
  done: boolean;
  /** Data records passed since the last rewind. */
  records: number;
}

export interface ReadResult extends StepResult {
  rows: number;
  records: number;
  dropped: number;
  /** No record is left. */
  eof: boolean;
}

/** One open CSV file. One pass at a time; the caller awaits each step. */
export interface RecordSource {
  readonly backend: 'native' | 'js';
  /**
   * Passes at least `maxBytes` of the file (whole blocks): counts records and, with `collect`, collects
   * the categories of categorical fields without a fixed list (checking quoting and field counts).
   */
  scan(control: Int32Array, maxBytes: number, collect: boolean): Promise<ScanResult>;
  /** Where each field's floats go: CSV_LAYOUT_WIDTH numbers per field [dest, offset, onehot] (schema.ts layoutOf). */
  setLayout(layout: Float64Array, xCols: number, yCols: number): void;
  /** Up to maxRows rows into x (maxRows·xCols floats) and y (maxRows·yCols; null when yCols is 0). */
  read(x: Float32Array, y: Float32Array | null, maxRows: number, control: Int32Array): Promise<ReadResult>;
  /** Categories of a field: the fixed list, or those collected so far in first-appearance order. */
  categories(field: number): string[];
  /** Missing values seen per field since the last rewind. */
  missing(): Float64Array;
  /** Back to the first data record. */
  rewind(): Promise<void>;
  close(): Promise<void>;
}

/** The addon's CsvReader (native/binding/csv_wrap.h); config as SourceConfig with a byte delimiter. */
export interface NativeCsvReader {
  scan(control: Int32Array, maxBytes: number, collect: boolean): Promise<ScanResult>;
  read(x: Float32Array, y: Float32Array | null, maxRows: number, control: Int32Array): Promise<ReadResult>;
  setLayout(layout: Float64Array, xCols: number, yCols: number): void;
  categories(field: number): string[];
  missing(): Float64Array;
  rewind(): void;
  close(): void;
}

export type NativeCsvConfig = Omit<SourceConfig, 'delimiter'> & { delimiter: number };

/** The addon's CsvReader class, with its static sampler (native/csv/sample.h). */
export interface NativeCsvReaderClass {
  new (path: string, config: NativeCsvConfig): NativeCsvReader;
  sample(path: string, delimiter: number, maxRecords: number, maxBytes: number, minRecords: number): Promise<{ records: string[][]; stopped: boolean; error?: CsvErrorInfo; bytes: number }>;
}
