// Runs the end-to-end tests in a real VS Code: code-server on loopback, the workbench in headless
// Chromium, the extension under development and the mocha suite in the real extension host.
// Prints the suite's output and exits with its exit code.
//   node scripts/e2e.mjs               the suite (test/e2e/suite) with workspace trust disabled
//   node scripts/e2e.mjs --restricted  the Restricted Mode suite (test/e2e/restricted): workspace
//                                      trust on, its folder not trusted
// While developing: LIVE_UPDATE_E2E_ONLY=todos,view runs only those files of the suite,
// LIVE_UPDATE_E2E_GREP=<text> only the tests whose titles match, LIVE_UPDATE_E2E_KEEP=1 keeps the logs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExtensionTests } from './lib/extensionTests.mjs';
import { ensureTools, repoRoot } from './lib/tools.mjs';

ensureTools();
const scratch = mkdtempSync(join(tmpdir(), 'live-update-e2e-'));
process.env.LIVE_UPDATE_TEST_NODE = process.execPath;
const restricted = process.argv.includes('--restricted');
const code = await runExtensionTests({
  fixture: join(repoRoot, restricted ? 'test/fixtures/restricted-workspace' : 'test/fixtures/e2e-workspace'),
  scratch,
  extensionPath: repoRoot,
  testsPath: join(repoRoot, restricted ? 'dist/test/e2e/restricted/index.js' : 'dist/test/e2e/suite/index.js'),
  workspaceTrust: restricted,
});
// LIVE_UPDATE_E2E_KEEP=1 keeps the logs of a run that passed too (the extension's output channel among them).
if (code === 0 && !process.env.LIVE_UPDATE_E2E_KEEP) rmSync(scratch, { recursive: true, force: true });
else console.error(`e2e: logs kept in ${scratch}`);
process.exit(code);
