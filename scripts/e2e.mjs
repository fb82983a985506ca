// Runs the end-to-end tests in a real VS Code: code-server on loopback, the workbench in headless
// Chromium, the extension under development and the mocha suite in the real extension host.
// Prints the suite's output and exits with its exit code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExtensionTests } from './lib/extensionTests.mjs';
import { ensureTools, repoRoot } from './lib/tools.mjs';

ensureTools();
const scratch = mkdtempSync(join(tmpdir(), 'live-update-e2e-'));
process.env.LIVE_UPDATE_TEST_NODE = process.execPath;
const code = await runExtensionTests({
  fixture: join(repoRoot, 'test/fixtures/e2e-workspace'),
  scratch,
  extensionPath: repoRoot,
  testsPath: join(repoRoot, 'dist/test/e2e/suite/index.js'),
});
if (code === 0) rmSync(scratch, { recursive: true, force: true });
else console.error(`e2e: logs kept in ${scratch}`);
process.exit(code);
