import type { CollectConfig, OutputDependencies } from '@orgmeta/core';
import { csvOutputs } from '@orgmeta/csv';
import { renderRunReport } from '@orgmeta/html-report';
import { parquetSnapshotFormat } from '@orgmeta/parquet';
import { LocalObjectReader } from './local-object-reader';

/**
 * The CLI's Part 2 renderers: a new output format is one more entry in `formats`. The baseline
 * is read from S3 when uploading (the adapters wire that); with `--no-upload`, from the output folder.
 */
export function cliOutputs(config: CollectConfig): Omit<OutputDependencies, 'events'> {
  return {
    csv: csvOutputs({ escapeFormulas: config.escapeFormulas }),
    formats: [parquetSnapshotFormat],
    renderRunReport,
    baseline: new LocalObjectReader(config.localOutputDir),
  };
}
