// Extension-test entry of the end-to-end suite (scripts/e2e.mjs, scripts/e2e-electron.mjs): the
// extension under development, from the repository. scripts/test.mjs counts its `e2e:` line.
import * as path from 'node:path';
import { runMocha } from '../runMocha';

export function run(): Promise<void> {
  return runMocha('e2e', ['liveUpdate.test.js', 'busy.test.js', 'breakpoints.test.js', 'versions.test.js', 'view.test.js', 'state.test.js', 'repl.test.js', 'editor.test.js', 'attach.test.js', 'workerExit.test.js', 'faults.test.js', 'projects.test.js'].map((f) => path.join(__dirname, f)));
}
