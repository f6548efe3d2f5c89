/** An `accounts.csv` that cannot be read back as a snapshot (not this product's report, or another tenant's). */
export class CsvSnapshotError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CsvSnapshotError';
  }
}
