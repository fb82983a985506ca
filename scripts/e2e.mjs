// Runs the end-to-end tests in a real VS Code: code-server on loopback, the workbench in headless
// Chromium, the extension under development and the mocha suite in the real extension host.
// Prints the suite's output and exits with its exit code.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWorkbench, startCodeServer, workbenchUrl } from './lib/codeServer.mjs';
import { ensureTools, repoRoot } from './lib/tools.mjs';

ensureTools();
const scratch = mkdtempSync(join(tmpdir(), 'live-update-e2e-'));
const workspace = join(scratch, 'workspace');
cpSync(join(repoRoot, 'test/fixtures/e2e-workspace'), workspace, { recursive: true });

process.env.LIVE_UPDATE_TEST_NODE = process.execPath;
// The suite's reporter writes here; we print it as it grows (the browser console is too noisy).
const logFile = join(scratch, 'e2e.log');
writeFileSync(logFile, '');
process.env.LIVE_UPDATE_E2E_LOG = logFile;
let printed = 0;
const printLog = () => {
  const text = readFileSync(logFile, 'utf8');
  process.stdout.write(text.slice(printed));
  printed = text.length;
};
const tail = setInterval(printLog, 200);
const server = await startCodeServer({ folder: workspace, scratch: join(scratch, 'cs') });
let code = 1;
try {
  const url = workbenchUrl(server.url, {
    folder: workspace,
    extensionPath: repoRoot,
    testsPath: join(repoRoot, 'dist/test/e2e/suite/index.js'),
  });
  code = await runWorkbench(url, {
    onConsole: (text) => {
      if (process.env.LIVE_UPDATE_E2E_VERBOSE) process.stdout.write(`[browser] ${text}\n`);
    },
    screenshot: process.env.LIVE_UPDATE_E2E_SCREENSHOT,
  });
} catch (e) {
  console.error(`e2e: ${e instanceof Error ? e.message : String(e)}\n--- code-server log ---\n${server.log()}`);
} finally {
  clearInterval(tail);
  printLog();
  await server.stop();
  if (code === 0) rmSync(scratch, { recursive: true, force: true });
  else console.error(`e2e: logs kept in ${scratch}`);
}
process.exit(typeof code === 'number' ? code : 1);
