// The contract between the CSV API and its two readers: the native one (the addon's CsvReader, parsing
// on the thread pool) and the JS fallback on csv-parse. Both take the same config, walk the file in the
// same passes, and report bad input as the same error records, so every result and every message is
// the same whichever reader ran.

import type { AppendedRows, ReadResult, ScanResult, SourceRange } from '../../backend/native-csv.js';

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
  /**
   * The whole file in one pass into memory the source owns, without a scan first (x and y need not be
   * sized in advance); null when this source cannot (then: scan, then read). Its errors are those scan
   * then read would report.
   */
  readonly appender: RowAppender | null;
  /** Categories of a field: the fixed list, or those collected so far in first-appearance order. */
  categories(field: number): string[];
  /** Missing values seen per field since the last rewind. */
  missing(): Float64Array;
  /** Back to the first data record. */
  rewind(): Promise<void>;
  /** With config.range, where the records are (null until the first pass started); else null. */
  range(): SourceRange | null;
  close(): Promise<void>;
}

/** A single-pass whole-file read (RecordSource.appender). */
export interface RowAppender {
  /** Up to maxRows more rows (after setLayout), appended to what take() will return. */
  append(maxRows: number, control: Int32Array): Promise<ReadResult>;
  /** The rows appended so far, at their exact size. */
  take(): AppendedRows;
}
