/** A report key that would land outside the local output directory; nothing is written. */
export class UnsafeOutputPathError extends Error {
  /** Read by core's failure description as the error code of the tenant's failure. */
  readonly code = 'UnsafeOutputPath';

  constructor(key: string, outputDir: string) {
    super(`Refusing to write ${JSON.stringify(key)}: it would resolve outside the output directory ${outputDir}`);
    this.name = 'UnsafeOutputPathError';
  }
}
