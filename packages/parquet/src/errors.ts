/** A Parquet file that is not a snapshot this package can read back (or a snapshot it cannot write). */
export class ParquetSnapshotError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ParquetSnapshotError';
  }
}
