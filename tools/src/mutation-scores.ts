/**
 * The last step of `npm run mutation`: reads each package's Stryker JSON reports, prints the mutation
 * score of every file and of the package, and fails when a package or one of its decision-making files
 * is under its target (`mutation-targets.json`, written from `projenrc/mutation.ts`). Stryker's own
 * `thresholds.break` guards each run as a whole; this guards the files a wrong line would hurt most,
 * and core's score over its main and focused runs together.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What `mutation-targets.json` holds for one package. */
export interface MutationTargets {
  readonly package: string;
  /** Stryker JSON reports (relative to the package) that together mutate every source file once. */
  readonly reports: readonly string[];
  /** Minimum score of the package, every report's mutants together. */
  readonly overall: number;
  /** Minimum score of each decision-making file (path relative to the package). */
  readonly files: Readonly<Record<string, number>>;
}

/** The part of Stryker's JSON report (mutation-testing-report-schema) read here. */
export interface MutationReport {
  readonly files: Readonly<Record<string, { readonly mutants: readonly { readonly status: string }[] }>>;
}

export interface MutantCounts {
  readonly killed: number;
  readonly survived: number;
  readonly noCoverage: number;
  /** Ignored, runtime and compile errors: made but not part of the score, as Stryker counts them. */
  readonly invalid: number;
}

export interface FileScore extends MutantCounts {
  readonly file: string;
  /** Killed (timeouts included) over valid mutants, in percent; undefined when the file has no valid mutant. */
  readonly score: number | undefined;
  readonly target: number | undefined;
}

export interface PackageScores {
  readonly package: string;
  readonly files: readonly FileScore[];
  readonly overall: FileScore;
  /** One line per target missed or file not measured; empty when every target is met. */
  readonly shortfalls: readonly string[];
}

const KILLED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived']);
const NOT_COVERED = new Set(['NoCoverage']);

export function countMutants(statuses: readonly string[]): MutantCounts {
  const count = (kinds: ReadonlySet<string>) => statuses.filter((s) => kinds.has(s)).length;
  const killed = count(KILLED);
  const survived = count(UNDETECTED);
  const noCoverage = count(NOT_COVERED);
  return { killed, survived, noCoverage, invalid: statuses.length - killed - survived - noCoverage };
}

export function mutationScore(counts: MutantCounts): number | undefined {
  const valid = counts.killed + counts.survived + counts.noCoverage;
  return valid === 0 ? undefined : (100 * counts.killed) / valid;
}

/** Scores a package from its reports against its targets. A file the targets name but no report holds is a shortfall. */
export function scorePackage(targets: MutationTargets, reports: readonly MutationReport[]): PackageScores {
  const statusesByFile = new Map<string, string[]>();
  for (const report of reports) {
    for (const [file, { mutants }] of Object.entries(report.files)) {
      statusesByFile.set(file, [...(statusesByFile.get(file) ?? []), ...mutants.map((m) => m.status)]);
    }
  }
  const files = [...statusesByFile.keys()].sort().map((file) => fileScore(file, statusesByFile.get(file) ?? [], targets.files[file]));
  const overall = fileScore('(package)', [...statusesByFile.values()].flat(), targets.overall);

  const shortfalls: string[] = [];
  if (overall.score === undefined || overall.score < targets.overall) {
    shortfalls.push(`${targets.package}: ${formatScore(overall.score)} over all files, under its target of ${targets.overall} %`);
  }
  for (const [file, target] of Object.entries(targets.files)) {
    const measured = files.find((f) => f.file === file);
    if (measured === undefined) {
      shortfalls.push(
        `${targets.package} ${file}: not in the reports (a run narrowed with --mutate leaves it out; run the package's whole mutation task)`,
      );
    } else if (measured.score === undefined || measured.score < target) {
      shortfalls.push(
        `${targets.package} ${file}: ${formatScore(measured.score)} (${measured.survived} survived, ${measured.noCoverage} not covered), under its target of ${target} %`,
      );
    }
  }
  return { package: targets.package, files, overall, shortfalls };
}

function fileScore(file: string, statuses: readonly string[], target: number | undefined): FileScore {
  const counts = countMutants(statuses);
  return { file, ...counts, score: mutationScore(counts), target };
}

function formatScore(score: number | undefined): string {
  return score === undefined ? 'no valid mutant' : `${score.toFixed(1)} %`;
}

/** A Markdown table of a package's scores: every file, then the package. */
export function scoresTable(scores: PackageScores): string {
  const row = (s: FileScore, name: string) =>
    `| ${name} | ${formatScore(s.score)} | ${s.target === undefined ? '' : `${s.target} %`} | ${s.killed} | ${s.survived} | ${s.noCoverage} | ${s.invalid} |`;
  return [
    `${scores.package}`,
    '| file | score | target | killed | survived | no coverage | not counted |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...scores.files.map((f) => row(f, f.file)),
    row(scores.overall, `**${scores.package}**`),
  ].join('\n');
}

/** Reads every `mutation-targets.json` under the workspace's packages and apps, with their reports. */
export function readWorkspaceScores(root: string): { scores: PackageScores[]; missingReports: string[] } {
  const scores: PackageScores[] = [];
  const missingReports: string[] = [];
  for (const folder of ['packages', 'apps']) {
    if (!existsSync(join(root, folder))) continue;
    for (const name of readdirSync(join(root, folder)).sort()) {
      const targetsFile = join(root, folder, name, 'mutation-targets.json');
      if (!existsSync(targetsFile)) continue;
      const targets = JSON.parse(readFileSync(targetsFile, 'utf8')) as MutationTargets;
      const paths = targets.reports.map((report) => join(root, folder, name, report));
      const missing = paths.filter((path) => !existsSync(path));
      // A package with a report missing is not scored: its files would all read as unmeasured.
      if (missing.length > 0) missingReports.push(...missing.map((path) => relative(root, path)));
      else
        scores.push(
          scorePackage(
            targets,
            paths.map((path) => JSON.parse(readFileSync(path, 'utf8')) as MutationReport),
          ),
        );
    }
  }
  return { scores, missingReports };
}

if (require.main === module) {
  const { scores, missingReports } = readWorkspaceScores(process.cwd());
  for (const s of scores) console.log(`${scoresTable(s)}\n`);
  const problems = [
    ...missingReports.map((r) => `${r}: no report; run \`npm run mutation\` first`),
    ...scores.flatMap((s) => s.shortfalls),
  ];
  if (scores.length === 0 && missingReports.length === 0) problems.push('no mutation-targets.json found: run this from the workspace root');
  if (problems.length > 0) {
    console.error(`Mutation scores under target (surviving mutants are listed in each package's reports/mutation*/mutation.html):`);
    for (const p of problems) console.error(`  - ${p}`);
    console.error(
      'Kill them with tests that assert what a user sees; ignore a mutant only when it cannot change behaviour, with a reason.',
    );
    process.exitCode = 1;
  } else {
    console.log(`Every package and decision-making file meets its mutation-score target.`);
  }
}
