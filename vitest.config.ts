import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The browser files are the longest (a server, Chromium and many page steps each): they start
 * first, one on each worker, and the short files fill in behind them. Otherwise vitest's order
 * (failed first, then longest first by the last run's times, unknown files by size).
 */
class BrowserFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const browser = (f: TestSpecification) => /[\\/]test[\\/]browser[\\/]/.test(f.moduleId);
    return [...sorted.filter(browser), ...sorted.filter((f) => !browser(f))];
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Two cores: two forks keep the machine responsive and the suite quick.
    maxWorkers: 2,
    sequence: { sequencer: BrowserFilesFirst },
    // expect.poll waits on a condition: its cap is for a busy machine, not the step's duration
    // (the default, 1 s, is near what a step in the browser takes when another run shares the cores).
    expect: { poll: { timeout: 30_000 } },
  },
});
