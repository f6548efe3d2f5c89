import { createAwsAdapters, type AwsAdapterHooks } from '@orgmeta/aws-adapters';
import type { CollectConfig, Logger, PipelineDependencies } from '@orgmeta/core';
import { renderAccountsCsv } from '@orgmeta/csv';
import { LocalFileReportSink } from './local-report-sink';

/** Real adapters for a run, wired from the configuration. */
export function awsPipelineDependencies(config: CollectConfig, region: string, logger: Logger, hooks: AwsAdapterHooks = {}): PipelineDependencies {
  const aws = createAwsAdapters(config, region, hooks);
  return {
    tenantSource: aws.tenantSource,
    organizations: aws.organizations,
    render: (report) => renderAccountsCsv(report, { escapeFormulas: config.escapeFormulas }),
    sinks: { s3: aws.s3Sink, local: config.saveLocal ? new LocalFileReportSink(config.localOutputDir) : undefined },
    logger,
    region,
  };
}
