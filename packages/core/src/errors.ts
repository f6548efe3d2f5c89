import type { ReportSinkKind } from './report-sinks';

/** Invalid or missing configuration: the run must stop before any AWS call. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The tenant table could not be read: nothing can be collected. Carries the AWS error code and a fix. */
export class TenantSourceError extends Error {
  /** The AWS error code of the failed read. */
  readonly code: string;
  /** How to fix it. */
  readonly hint: string;

  constructor(details: FailureDetails, options?: { cause?: unknown }) {
    super(details.message, options);
    this.name = 'TenantSourceError';
    this.code = details.code;
    this.hint = details.hint;
  }

  /** The code, message and hint as a failure result carries them. */
  toDetails(): FailureDetails {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

/** What a failed tenant's summary entry says: the AWS error code, a message and a fix. */
export interface FailureDetails {
  /** The AWS error code, or one of orgmeta (e.g. `ExternalIdMissing`). */
  readonly code: string;
  /** What failed, for people. */
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
}

/** One tenant could not be collected; carries what the operator needs to act. */
export class TenantCollectionError extends Error {
  readonly code: string;
  readonly hint: string;

  constructor(details: FailureDetails, options?: { cause?: unknown }) {
    super(details.message, options);
    this.name = 'TenantCollectionError';
    this.code = details.code;
    this.hint = details.hint;
  }

  toDetails(): FailureDetails {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

/** The run was asked to stop (Ctrl-C, SIGTERM) before this work finished. */
export class InterruptedError extends Error {
  constructor(message = 'The run was interrupted before this step finished') {
    super(message);
    this.name = 'InterruptedError';
  }
}

/**
 * A report write failed. Says whether the object is at its key anyway, as far as the sink could
 * tell afterwards: a failed or aborted PUT may still have created it. `code` is the write's own error code.
 */
export class ReportWriteError extends Error {
  /** The AWS (or file system) error code. */
  readonly code: string;
  /** The kind of sink that failed. */
  readonly sinkKind: ReportSinkKind;
  /** Where the object was to go. */
  readonly location: string;
  /** Whether the object is at its location anyway (`unknown` when that cannot be told). */
  readonly written: boolean | 'unknown';

  constructor(
    details: {
      readonly code: string;
      readonly message: string;
      readonly sinkKind: ReportSinkKind;
      readonly location: string;
      readonly written: boolean | 'unknown';
    },
    options?: { cause?: unknown },
  ) {
    super(details.message, options);
    this.name = 'ReportWriteError';
    this.code = details.code;
    this.sinkKind = details.sinkKind;
    this.location = details.location;
    this.written = details.written;
  }
}
