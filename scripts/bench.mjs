// `npm run bench`: bundles (runtime, test support, benchmarks) and runs the pause benchmark.
// Arguments go to the benchmark: `npm run bench -- --quick` (3 runs per case), `--runs N`,
// `--case NAME`, `--breakdown` (see bench/src/main.ts).
// Types are checked by `npm run typecheck` / `npm test`; the benchmark needs only the bundles.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });

const build = run(['scripts/bundle.mjs']);
if (build.status !== 0) {
  console.error('bench: the build failed');
  process.exit(1);
}
const bench = run(['dist/bench/src/main.js', ...process.argv.slice(2)]);
process.exit(bench.status ?? 1);
