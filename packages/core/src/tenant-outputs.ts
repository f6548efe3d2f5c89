import { createHash } from 'node:crypto';
import { changeCounts, changeEvents, diffSnapshots, type Change, type ChangeCounts, type ChangeEvent } from './changes';
import type { CollectConfig } from './config';
import type { Logger, ReportObject } from './ports';
import { countAccountStates } from './run-report';
import { RUN_REPORT_CONTENT_TYPE, tagCoverageKey } from './run-report-layout';
import { REPORT_CONTENT_TYPE, reportKey } from './report-layout';
import { snapshotFromReport, type Snapshot } from './snapshot';
import { CHANGES_CSV_CONTENT_TYPE, tenantObjectKey } from './snapshot-layout';
import { TABLE_MANIFEST_CONTENT_TYPE, renderTableManifest, tableManifestKey, type TableManifest } from './table-manifests';
import {
  SNAPSHOT_POINTER_CONTENT_TYPE,
  SNAPSHOT_POINTER_VERSION,
  loadPreviousSnapshot,
  renderSnapshotPointer,
  snapshotPointerKey,
  type CsvSnapshotContext,
  type PreviousSnapshot,
  type SnapshotFormat,
  type SnapshotPointer,
} from './snapshot-pointer';
import type { ChangeEventSink, ObjectReader } from './snapshot-ports';
import { limitAccountsMissing, tagCoverage, type TagCoverage } from './tag-coverage';
import type { RunReport } from './run-report';
import type { TenantReport } from './types';

/**
 * What a succeeded tenant writes beside its `accounts.csv` (SPEC Part 2): the snapshot in the
 * extra formats, the changes since its previous snapshot, tag coverage, and the pointer that the
 * next run reads its baseline through. Core only decides what and in which order; the format
 * packages render, injected by the apps (core never imports them).
 */

/** The CSV renderings beyond `accounts.csv` (that one is the pipeline's `render`), and the CSV baseline reader. */
export interface CsvOutputs {
  renderChanges(changes: readonly Change[]): string;
  /** Needs the full list of accounts missing tags. */
  renderTagCoverage(coverage: TagCoverage): string;
  /** `accounts.csv` back to a snapshot, for a CSV-only baseline. */
  readSnapshot(text: string, context: CsvSnapshotContext): Snapshot;
}

/**
 * A snapshot format written beside `accounts.csv` when `--formats` names it: Parquet today. A new
 * format is one package exporting one of these and one more entry in the apps' list.
 */
export interface SnapshotFormatWriter {
  readonly format: Exclude<SnapshotFormat, 'csv'>;
  readonly contentType: string;
  renderAccounts(snapshot: Snapshot): string | Uint8Array;
  renderChanges(changes: readonly Change[]): string | Uint8Array;
  /** Its `accounts.*` back to a snapshot: the baseline of the next run (it records every tag). */
  readSnapshot(bytes: Uint8Array): Snapshot | Promise<Snapshot>;
}

/** The Part 2 outputs of a run, wired by the apps. Without them a run writes Part 1's objects only. */
export interface OutputDependencies {
  readonly csv: CsvOutputs;
  /** Every extra format the app can write; the run writes those `--formats` names. */
  readonly formats?: readonly SnapshotFormatWriter[];
  /** Where the previous snapshot is read (S3, or the local output folder with `--no-upload`). */
  readonly baseline?: ObjectReader;
  /** Where change events go (`--events-bus`). */
  readonly events?: ChangeEventSink;
  /** The run report page (`--no-html-report` turns it off). */
  readonly renderRunReport?: (model: RunReport) => string;
}

/** Most accounts missing tags listed in the summary and manifest; tag-coverage.csv lists them all. */
export const MAX_ACCOUNTS_MISSING_IN_SUMMARY = 100;

/** The summary fields a succeeded tenant gains from its Part 2 outputs. */
export interface TenantOutputFacts {
  /** Absent when changes were not detected (`--no-changes`); `null` with no earlier snapshot. */
  readonly changes?: ChangeCounts | null;
  readonly tagCoverage?: TagCoverage;
  readonly accountStates: Readonly<Record<string, number>>;
}

/** Every object of a succeeded tenant, in write order, and what the summary says of them. */
export interface TenantOutputPlan {
  /** `accounts.csv` first (its location and checksum are the summary's), then the rest. */
  readonly objects: readonly ReportObject[];
  /**
   * The SQL tables' symlink manifests of this tenant's Parquet objects, written once every object is
   * stored and before the pointer, only to sinks a query engine reads (S3; docs/sql.md).
   */
  readonly tableManifests: readonly TableManifest[];
  /** Written last, to every sink, once everything else is stored. */
  readonly pointer?: ReportObject;
  /** One per change row, published after the objects are written. */
  readonly events: readonly ChangeEvent[];
  readonly facts: TenantOutputFacts;
}

export function sha256Hex(body: string | Uint8Array): string {
  return createHash('sha256')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex');
}

function object(key: string, body: string | Uint8Array, contentType: string, metadata: Record<string, string>): ReportObject {
  return { key, body, contentType, sha256Hex: sha256Hex(body), metadata };
}

/** The extra formats this run writes, in `--formats` order. */
export function selectedFormats(
  config: Pick<CollectConfig, 'outputFormats'>,
  outputs: OutputDependencies | undefined,
): SnapshotFormatWriter[] {
  const formats = config.outputFormats ?? ['csv'];
  return (outputs?.formats ?? []).filter((writer) => formats.includes(writer.format));
}

/**
 * The tenant's baseline, read BEFORE anything of this run is written: a same-day re-run
 * overwrites the very keys the old pointer names. Never throws; warnings go to the log.
 */
export async function loadBaseline(
  tenantId: string,
  config: Pick<CollectConfig, 'detectChanges' | 'prefix'>,
  outputs: OutputDependencies | undefined,
  logger: Logger,
): Promise<PreviousSnapshot | undefined> {
  if (!config.detectChanges || !outputs?.baseline) return undefined;
  const parquet = outputs.formats?.find((f) => f.format === 'parquet');
  const previous = await loadPreviousSnapshot(outputs.baseline, config.prefix, tenantId, {
    csv: (text, context) => outputs.csv.readSnapshot(text, context),
    ...(parquet ? { parquet: (bytes: Uint8Array) => parquet.readSnapshot(bytes) } : {}),
  });
  for (const warning of previous.warnings) logger.warn(warning, { tenantId });
  return previous;
}

/** Decides every object of a succeeded tenant from its report, its baseline and the settings. Pure but for the renderers. */
export function planTenantOutputs(
  report: TenantReport,
  csvBody: string,
  baseline: PreviousSnapshot | undefined,
  config: CollectConfig,
  outputs: OutputDependencies | undefined,
  run: { readonly runId: string; readonly startedAt: Date },
): TenantOutputPlan {
  const { runId, startedAt } = run;
  const tenantId = report.tenant.tenantId;
  const rowCount = String(report.accounts.length);
  const meta = { 'run-id': runId, 'row-count': rowCount };
  const objects: ReportObject[] = [object(reportKey(config.prefix, startedAt, tenantId), csvBody, REPORT_CONTENT_TYPE, meta)];
  const facts: { -readonly [K in keyof TenantOutputFacts]: TenantOutputFacts[K] } = { accountStates: countAccountStates(report.accounts) };
  const tableManifests: TableManifest[] = [];
  if (!outputs) return { objects, tableManifests, events: [], facts };

  const formats = selectedFormats(config, outputs);
  const snapshot = snapshotFromReport(report, runId, { hasOuPaths: config.includeOuPath });
  const formatKeys: Partial<Record<SnapshotFormat, string>> = { csv: objects[0].key };
  for (const writer of formats) {
    const key = tenantObjectKey(config.prefix, startedAt, tenantId, `accounts.${writer.format}`);
    formatKeys[writer.format] = key;
    objects.push(object(key, writer.renderAccounts(snapshot), writer.contentType, meta));
    if (writer.format === 'parquet') {
      tableManifests.push({ table: 'accounts', key: tableManifestKey(config.prefix, startedAt, tenantId, 'accounts'), target: key });
    }
  }

  let events: ChangeEvent[] = [];
  if (config.detectChanges) {
    const previous = baseline?.snapshot;
    if (previous) {
      const changes = diffSnapshots(previous, snapshot);
      const changeMeta = { 'run-id': runId, 'row-count': String(changes.length), 'previous-run-id': previous.runId };
      objects.push(
        object(
          tenantObjectKey(config.prefix, startedAt, tenantId, 'changes.csv'),
          outputs.csv.renderChanges(changes),
          CHANGES_CSV_CONTENT_TYPE,
          changeMeta,
        ),
      );
      for (const writer of formats) {
        const key = tenantObjectKey(config.prefix, startedAt, tenantId, `changes.${writer.format}`);
        objects.push(object(key, writer.renderChanges(changes), writer.contentType, changeMeta));
        if (writer.format === 'parquet') {
          tableManifests.push({ table: 'changes', key: tableManifestKey(config.prefix, startedAt, tenantId, 'changes'), target: key });
        }
      }
      facts.changes = changeCounts(changes, previous.runId);
      events = changeEvents(changes, { previous, current: snapshot });
    } else {
      facts.changes = null;
    }
  }

  if (config.requiredTags.length > 0) {
    const coverage = tagCoverage(report, config.requiredTags);
    objects.push(
      object(tagCoverageKey(config.prefix, startedAt, tenantId), outputs.csv.renderTagCoverage(coverage), REPORT_CONTENT_TYPE, {
        'run-id': runId,
        'row-count': String(coverage.accountsMissing),
      }),
    );
    facts.tagCoverage = limitAccountsMissing(coverage, MAX_ACCOUNTS_MISSING_IN_SUMMARY);
  }

  // The pointer only serves change detection: without it (`--no-changes`) a run adds no object for it.
  const pointer = config.detectChanges ? pointerObject(report, config, runId, formatKeys) : undefined;
  return { objects, tableManifests, ...(pointer ? { pointer } : {}), events, facts };
}

function pointerObject(
  report: TenantReport,
  config: CollectConfig,
  runId: string,
  keys: Partial<Record<SnapshotFormat, string>>,
): ReportObject {
  const tenantId = report.tenant.tenantId;
  const pointer: SnapshotPointer = {
    version: SNAPSHOT_POINTER_VERSION,
    tenantId,
    runId,
    collectedAt: report.collectedAt.toISOString(),
    formats: keys.parquet ? ['csv', 'parquet'] : ['csv'],
    keys: keys.parquet ? { csv: keys.csv ?? '', parquet: keys.parquet } : { csv: keys.csv ?? '' },
    ...(config.tagKeys ? { csvTagKeys: config.tagKeys } : {}),
    ...(config.escapeFormulas ? {} : { csvFormulasEscaped: false }),
  };
  return object(snapshotPointerKey(config.prefix, tenantId), renderSnapshotPointer(pointer), SNAPSHOT_POINTER_CONTENT_TYPE, {
    'run-id': runId,
  });
}

/** A symlink manifest as an object, listing the URIs (`s3://bucket/key`) its sink gives the Parquet object. */
export function tableManifestObject(manifest: TableManifest, uris: readonly string[], runId: string): ReportObject {
  return object(manifest.key, renderTableManifest(uris), TABLE_MANIFEST_CONTENT_TYPE, { 'run-id': runId });
}

/** The run report page as an object, at `_reports/<runId>.html`. */
export function runReportObject(key: string, html: string, runId: string): ReportObject {
  return object(key, html, RUN_REPORT_CONTENT_TYPE, { 'run-id': runId });
}
