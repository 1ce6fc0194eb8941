// What an open CSV read owns besides its reader: a stream it took over and private temporary copies.
// They go when the reader closes, or at once when opening fails.

import type { CsvInput } from './input.js';
import type { RecordSource } from './source.js';

export class Owned {
  private readonly disposers: (() => Promise<void>)[] = [];

  add(dispose: () => Promise<void>): void {
    this.disposers.push(dispose);
  }

  /** `input`, whose stream (if any) is closed with the rest. */
  input(input: CsvInput): CsvInput {
    const bytes = input.bytes;
    if (bytes !== null) this.add(() => bytes.close());
    return input;
  }

  /** Runs every disposer, latest first; the first failure is thrown after all ran. */
  async dispose(): Promise<void> {
    let failure: unknown;
    for (const d of this.disposers.splice(0).reverse()) {
      try {
        await d();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** `source`, whose close() also disposes what is owned. */
  wrap(source: RecordSource): RecordSource {
    return new OwningSource(source, this);
  }
}

/** A source that disposes what its read owns when it closes. */
class OwningSource implements RecordSource {
  readonly backend: 'native' | 'js';
  readonly appender: RecordSource['appender'];
  constructor(
    private readonly source: RecordSource,
    private readonly owned: Owned,
  ) {
    this.backend = source.backend;
    this.appender = source.appender;
  }
  scan(control: Int32Array, maxBytes: number, collect: boolean): ReturnType<RecordSource['scan']> {
    return this.source.scan(control, maxBytes, collect);
  }
  setLayout(layout: Float64Array, xCols: number, yCols: number): void {
    this.source.setLayout(layout, xCols, yCols);
  }
  read(x: Float32Array, y: Float32Array | null, maxRows: number, control: Int32Array): ReturnType<RecordSource['read']> {
    return this.source.read(x, y, maxRows, control);
  }
  categories(field: number): string[] {
    return this.source.categories(field);
  }
  missing(): Float64Array {
    return this.source.missing();
  }
  rewind(): Promise<void> {
    return this.source.rewind();
  }
  range(): ReturnType<RecordSource['range']> {
    return this.source.range();
  }
  async close(): Promise<void> {
    try {
      await this.source.close();
    } finally {
      await this.owned.dispose();
    }
  }
}
