// Extension-test entry of the end-to-end suite (scripts/e2e.mjs, scripts/e2e-electron.mjs): the
// extension under development, from the repository. scripts/test.mjs counts its `e2e:` line.
// LIVE_UPDATE_E2E_ONLY=todos,view runs only those files (a quicker loop while developing).
import * as path from 'node:path';
import { runMocha } from '../runMocha';

const FILES = ['liveUpdate', 'busy', 'breakpoints', 'versions', 'view', 'state', 'repl', 'editor', 'todos', 'attach', 'workerExit', 'faults', 'projects'];

export function run(): Promise<void> {
  const only = process.env.LIVE_UPDATE_E2E_ONLY?.split(',').map((s) => s.trim());
  return runMocha('e2e', (only ?? FILES).map((f) => path.join(__dirname, `${f}.test.js`)));
}
