// The same end-to-end suite under @vscode/test-electron, for machines that can download VS Code
// (this one cannot: `npm test` uses code-server instead, see scripts/e2e.mjs).
//   node scripts/e2e-electron.mjs
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './lib/tools.mjs';

const workspace = join(mkdtempSync(join(tmpdir(), 'live-update-e2e-')), 'workspace');
cpSync(join(repoRoot, 'test/fixtures/e2e-workspace'), workspace, { recursive: true });
process.env.LIVE_UPDATE_TEST_NODE = process.execPath;
try {
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'dist/test/e2e/suite/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`e2e (electron): ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
