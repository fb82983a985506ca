// Extension-test entry of the Restricted Mode suite (`scripts/e2e.mjs --restricted`): the
// extension under development, in a code-server whose workspace trust is on and whose folder is
// not trusted. scripts/test.mjs counts its `e2e-restricted:` line.
import * as path from 'node:path';
import { runMocha } from '../runMocha';

export function run(): Promise<void> {
  return runMocha('e2e-restricted', [path.join(__dirname, 'restricted.test.js')]);
}
