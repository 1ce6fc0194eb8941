// The native RecordSource: the addon's CsvReader, whose scan/read run in AsyncWorkers on the addon's
// thread pool and write straight into the caller's Float32Arrays.

import { loadNativeAddon } from '../../backend/native.js';
import type { NativeCsvReader, ReadResult, ScanResult, SourceConfig, SourceRange } from '../../backend/native-csv.js';
import type { RecordSource } from './source.js';

export class NativeSource implements RecordSource {
  readonly backend = 'native' as const;
  private constructor(private readonly reader: NativeCsvReader) {}

  /**
   * Opens `path` with the addon's reader.
   * @throws BackendError when the addon cannot load; Error with the system's message when the file cannot be opened.
   */
  static open(path: string, config: SourceConfig): NativeSource {
    const { CsvReader } = loadNativeAddon();
    return new NativeSource(new CsvReader(path, { ...config, delimiter: config.delimiter.charCodeAt(0) }));
  }

  scan(control: Int32Array, maxBytes: number, collect: boolean): Promise<ScanResult> {
    return this.reader.scan(control, maxBytes, collect);
  }

  setLayout(layout: Float64Array, xCols: number, yCols: number): void {
    this.reader.setLayout(layout, xCols, yCols);
  }

  read(x: Float32Array, y: Float32Array | null, maxRows: number, control: Int32Array): Promise<ReadResult> {
    return this.reader.read(x, y, maxRows, control);
  }

  categories(field: number): string[] {
    return this.reader.categories(field);
  }

  missing(): Float64Array {
    return this.reader.missing();
  }

  async rewind(): Promise<void> {
    this.reader.rewind();
  }

  range(): SourceRange | null {
    return this.reader.range();
  }

  async close(): Promise<void> {
    this.reader.close();
  }
}
