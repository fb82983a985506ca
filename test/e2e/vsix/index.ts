// Extension-test entry of the packaged-extension suite (scripts/e2e-vsix.mjs): the extension is
// the one installed from the .vsix. scripts/test.mjs counts its `e2e-vsix:` line.
import * as path from 'node:path';
import { runMocha } from '../runMocha';

export function run(): Promise<void> {
  return runMocha('e2e-vsix', [path.join(__dirname, 'installed.test.js')]);
}
