import { Format, MultiBar, Presets, type GenericFormatter, type SingleBar } from 'cli-progress';
import { displaySafe, type TenantResult } from '@orgmeta/core';

// Fits an 80-column terminal even with large counts.
const FORMAT = 'Collecting {bar} {value}/{total} tenants, {failed} failed, {accounts} accounts, {throttles} throttled';

/** The progress line, like every other line of output, cannot carry a control character or a huge value. */
const safeProgressLine: GenericFormatter = (options, params, payload) =>
  displaySafe(Format.Formatter({ ...options, format: FORMAT }, params, payload));

/**
 * Live progress on a TTY (stderr): tenants done/failed, accounts collected, throttles seen.
 * Log lines printed meanwhile go above the bar instead of through it.
 */
export class ProgressDisplay {
  private readonly bars: MultiBar;
  private readonly bar: SingleBar;
  private failed = 0;
  private accounts = 0;
  private throttles = 0;
  private done = 0;

  constructor(total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.bars = new MultiBar(
      {
        stream,
        format: safeProgressLine,
        barsize: 16,
        hideCursor: true,
        // Our own SIGINT/SIGTERM handling stops the run and then this display.
        gracefulExit: false,
        clearOnComplete: false,
        stopOnComplete: false,
        etaBuffer: 20,
      },
      Presets.shades_classic,
    );
    this.bar = this.bars.create(total, 0, this.payload());
  }

  /** Prints a log line above the bar (log lines are already display-safe; this keeps it one line whatever the caller). */
  log(line: string): void {
    this.bars.log(`${displaySafe(line, Number.MAX_SAFE_INTEGER)}\n`);
    // Redraw now so the line shows at once, above the bar.
    this.bars.update();
  }

  tenantFinished(result: TenantResult): void {
    this.done += 1;
    if (result.status === 'failed') this.failed += 1;
    this.accounts += result.accounts;
    this.bar.update(this.done, this.payload());
  }

  throttled(): void {
    this.throttles += 1;
    this.bar.update(this.done, this.payload());
  }

  stop(): void {
    this.bar.update(this.done, this.payload());
    this.bars.stop();
  }

  private payload() {
    return { failed: this.failed, accounts: this.accounts, throttles: this.throttles };
  }
}
