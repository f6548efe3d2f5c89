/**
 * A jest `testSequencer` for Stryker runs only: keeps the test files a mutant's run needs, as the dry run
 * recorded them (see test-files.ts). In the dry run itself, or without a map, every test file runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import Sequencer from '@jest/test-sequencer';
import { ACTIVE_MUTANT_VARIABLE, TestFileEntry, filesForMutantRun, parseTestFilesMap, testFilesMapPath } from './test-files';

type SequencerOptions = ConstructorParameters<typeof Sequencer>[0];
type Test = Parameters<Sequencer['sort']>[0][number];

// The map is complete once the dry run ends, before any mutant runs: a test runner process reads it once, not per mutant.
const mapsRead = new Map<string, TestFileEntry[]>();

function testFilesMap(path: string): TestFileEntry[] | undefined {
  if (!mapsRead.has(path)) {
    if (!existsSync(path)) return undefined;
    mapsRead.set(path, parseTestFilesMap(readFileSync(path, 'utf8')));
  }
  return mapsRead.get(path);
}

export default class CoveringTestFilesSequencer extends Sequencer {
  private readonly testNamePattern: string | undefined;

  constructor(options: SequencerOptions) {
    super(options);
    this.testNamePattern = options.globalConfig.testNamePattern;
  }

  override async sort(tests: Test[]): Promise<Test[]> {
    const sorted = await super.sort(tests);
    const activeMutant = process.env[ACTIVE_MUTANT_VARIABLE];
    const map = activeMutant === undefined ? undefined : testFilesMap(testFilesMapPath());
    const files = map === undefined ? undefined : filesForMutantRun(map, this.testNamePattern, activeMutant);
    return files === undefined ? sorted : sorted.filter((test) => files.has(test.path));
  }
}
