// The addon's CSV reader as TypeScript sees it (native/binding/csv_wrap.h, csv_config.h): its config,
// the records its scan and read steps return and its error record (native/csv/error.h). Declared here,
// beside the loader, because they are part of the addon's surface; the CSV API (src/data/csv/) builds
// its two readers on these shapes, so the JS fallback returns exactly what the addon returns.

/** An error record as the readers report it (native/csv/error.h). */
export interface CsvErrorInfo {
  kind: CsvErrorKind;
  /** 1-based physical line (newlines inside quoted fields count). */
  line: number;
  /** 0-based data record (header excluded); -1 for the header. */
  record: number;
  /** 0-based field index. */
  column: number;
  /** Fields found (ragged rows). */
  found: number;
  /** The offending value (at most 80 bytes), or the system's message for 'io'. */
  token: string;
  /** Set in JS by a read of several files: the one the error is in (line and record are its own). */
  file?: string;
}

export type CsvErrorKind =
  | 'ragged'
  | 'number'
  | 'range'
  | 'missing'
  | 'category'
  | 'quote'
  | 'closingQuote'
  | 'unterminated'
  | 'tooManyCategories'
  | 'recordTooLarge'
  | 'io'
  | 'internal';

/** What a reader reads (native/binding/csv_config.h checks the same fields). */
export interface SourceConfig {
  /** One ASCII character. */
  delimiter: string;
  header: boolean;
  /** Fields per record. */
  fields: number;
  /** Per field: KIND_CODE values (codes.ts). */
  kinds: number[];
  /** Per field: MISSING_CODE values (codes.ts). */
  missing: number[];
  /** Per field: a fixed category list (values outside it are errors), or null (collected by scan). */
  categories: (string[] | null)[];
  missingValues: string[];
  /**
   * Per field: 1 reads a value outside the fixed category list as no category (one-hot zeros, an
   * index NaN) instead of failing; 0 fails. Absent: every field fails.
   */
  unknown?: number[];
  /** 0: the pool's size. */
  threads: number;
  blockBytes: number;
  maxBlockBytes: number;
  chunkBytes: number;
  maxCategories: number;
  /**
   * Read only the records that start in the byte range [begin, end) (one process's share): each end
   * moves to the first line start at or after it, never before the header's end; the header is read
   * on its own. Lines and records are then counted as if the range followed the header. Default: the
   * whole file.
   */
  range?: [number, number] | null;
}

/** Where a ranged reader's records are, known once its first pass started. */
export interface SourceRange {
  /** The data records' bytes [begin, end). */
  begin: number;
  end: number;
  /** The line number at begin, counted as if the range followed the header. */
  firstLine: number;
  /** Bytes read besides the range (the header and the line-start probes). */
  extraBytes: number;
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
  /** The physical line at the position reached (with a range, counted from its firstLine). */
  line: number;
}

export interface ReadResult extends StepResult {
  rows: number;
  records: number;
  dropped: number;
  /** No record is left. */
  eof: boolean;
}

/** Rows a single-pass read collected (RecordSource.appender). */
export interface AppendedRows {
  x: Float32Array;
  /** Null when no column goes to y. */
  y: Float32Array | null;
  rows: number;
}

/**
 * A pass's status from a reader of fed bytes besides StepResult's: 'starved' (feed more, then call
 * again; nothing was lost) and 'restart' (it rewound: feed from the first byte again, then call again).
 */
export type FedStatus = 'starved' | 'restart';
export type Fed<T extends StepResult> = Omit<T, 'status'> & { status: StepResult['status'] | FedStatus };

/** The addon's CsvReader (native/binding/csv_wrap.h); config as SourceConfig with a byte delimiter. */
export interface NativeCsvReader {
  scan(control: Int32Array, maxBytes: number, collect: boolean): Promise<Fed<ScanResult>>;
  read(x: Float32Array, y: Float32Array | null, maxRows: number, control: Int32Array): Promise<Fed<ReadResult>>;
  /** A whole file in one pass: up to maxRows more rows into the reader's own memory (takeRows). Not for a byte range. */
  readAppend(maxRows: number, control: Int32Array): Promise<Fed<ReadResult>>;
  /** The rows readAppend collected, at their exact size and without a copy; a new collection starts (as at rewind). */
  takeRows(): AppendedRows;
  /** A reader made with a null path: appends bytes (copied), or null for the end. Between passes only. */
  feed(bytes: Uint8Array | null): void;
  setLayout(layout: Float64Array, xCols: number, yCols: number): void;
  categories(field: number): string[];
  missing(): Float64Array;
  rewind(): void;
  range(): SourceRange | null;
  close(): void;
}

export type NativeCsvConfig = Omit<SourceConfig, 'delimiter'> & { delimiter: number };

/** The addon's CsvReader class, with its static sampler (native/csv/sample.h). */
export interface NativeCsvReaderClass {
  /** path null: the bytes come from feed() (a stream the caller decompresses). */
  new (path: string | null, config: NativeCsvConfig): NativeCsvReader;
  sample(path: string, delimiter: number, maxRecords: number, maxBytes: number, minRecords: number): Promise<{ records: string[][]; stopped: boolean; error?: CsvErrorInfo; bytes: number; bytesRead: number }>;
}
