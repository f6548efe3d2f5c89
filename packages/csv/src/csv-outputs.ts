import type { CsvOutputs } from '@orgmeta/core';
import type { CsvOptions } from './accounts-csv';
import { renderChangesCsv } from './changes-csv';
import { snapshotFromCsv } from './snapshot-from-csv';
import { renderTagCoverageCsv } from './tag-coverage-csv';

/** The pipeline's CSV outputs beyond accounts.csv, with the same formula escaping, and the CSV baseline reader. */
export function csvOutputs(options: CsvOptions): CsvOutputs {
  return {
    renderChanges: (changes) => renderChangesCsv(changes, options),
    renderTagCoverage: (coverage) => renderTagCoverageCsv(coverage, options),
    readSnapshot: snapshotFromCsv,
  };
}
