// Runs a mocha suite in the real extension host of a code-server on a fresh copy of a fixture
// folder, and prints the suite's own report as it grows (the browser console is too noisy).
// Shared by scripts/e2e.mjs (the extension from the repository) and scripts/e2e-vsix.mjs (the
// extension installed from its .vsix).
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWorkbench, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { startScreenChannel } from './screenChannel.mjs';
import { repoRoot } from './tools.mjs';

/**
 * `scratch` holds the workspace copy, code-server's state (`scratch/cs`, where an extension may
 * already be installed) and the report (`scratch/e2e.log`, handed to the suite through
 * LIVE_UPDATE_E2E_LOG). `workspaceTrust` opens the folder in Restricted Mode (see startCodeServer). Resolves with the workbench's exit code (1 when it reported none).
 */
export async function runExtensionTests({ fixture, scratch, extensionPath, testsPath, captureDir, workspaceTrust = false }) {
  const workspace = join(scratch, 'workspace');
  cpSync(fixture, workspace, { recursive: true });
  // As in a project: its TypeScript files find Node's types (@types/node) in a node_modules.
  if (!existsSync(join(workspace, 'node_modules'))) symlinkSync(join(repoRoot, 'node_modules'), join(workspace, 'node_modules'));
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
  // Before code-server starts, so its extension host inherits the channel's URL.
  const screen = await startScreenChannel({ captureDir });
  process.env.LIVE_UPDATE_E2E_SCREEN = screen.url;
  const server = await startCodeServer({ folder: workspace, scratch: join(scratch, 'cs'), workspaceTrust });
  let code = 1;
  try {
    const url = workbenchUrl(server.url, { folder: workspace, extensionPath, testsPath });
    code = await runWorkbench(url, {
      onConsole: (text) => {
        if (process.env.LIVE_UPDATE_E2E_VERBOSE) process.stdout.write(`[browser] ${text}\n`);
      },
      screenshot: process.env.LIVE_UPDATE_E2E_SCREENSHOT,
      onPage: screen.setPage,
    });
  } catch (e) {
    console.error(`e2e: ${e instanceof Error ? e.message : String(e)}\n--- code-server log ---\n${server.log()}`);
  } finally {
    clearInterval(tail);
    printLog();
    await screen.close();
    await server.stop();
  }
  return typeof code === 'number' ? code : 1;
}
