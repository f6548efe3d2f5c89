/**
 * A jest `testSequencer` for Stryker runs only: keeps the test files a mutant's run needs, as the dry run
 * recorded them (see test-files.ts). In the dry run itself, or without a map, every test file runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import Sequencer from '@jest/test-sequencer';
import { ACTIVE_MUTANT_VARIABLE, filesForMutantRun, parseTestFilesMap, testFilesMapPath } from './test-files';

type SequencerOptions = ConstructorParameters<typeof Sequencer>[0];
type Test = Parameters<Sequencer['sort']>[0][number];

export default class CoveringTestFilesSequencer extends Sequencer {
  private readonly testNamePattern: string | undefined;

  constructor(options: SequencerOptions) {
    super(options);
    this.testNamePattern = options.globalConfig.testNamePattern;
  }

  override async sort(tests: Test[]): Promise<Test[]> {
    const sorted = await super.sort(tests);
    const mapPath = testFilesMapPath();
    const activeMutant = process.env[ACTIVE_MUTANT_VARIABLE];
    const files =
      activeMutant !== undefined && existsSync(mapPath)
        ? filesForMutantRun(parseTestFilesMap(readFileSync(mapPath, 'utf8')), this.testNamePattern, activeMutant)
        : undefined;
    return files === undefined ? sorted : sorted.filter((test) => files.has(test.path));
  }
}
