// Shared by the benchmark scripts that read the generated files.
import { existsSync } from 'node:fs';
import path from 'node:path';

import { repoRoot } from '../tests/e2e/support/server.mjs';

/**
 * The files to measure: those given with `--file` (relative to the
 * repository), else `defaults`. Exits with a hint when one is missing.
 */
export function benchFiles(chosen, defaults) {
  const files = (chosen ?? defaults).map((f) => path.resolve(repoRoot, f));
  for (const file of files) {
    if (!existsSync(file)) {
      console.error(`${file} is missing: run node scripts/make-bench-data.mjs first`);
      process.exit(2);
    }
  }
  return files;
}

/** The middle value (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
