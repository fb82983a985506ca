// `npm run demo`: builds the extension and opens a real VS Code with it on a fresh copy of demo/,
// with the demo program already running under the debugger.
//   npm run demo               desktop `code` if on PATH, otherwise code-server on 127.0.0.1
//   npm run demo -- --smoke    headless: edit, save, and check the running program switched
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWorkbench, startCodeServer, workbenchUrl } from './lib/codeServer.mjs';
import { ensureTools, repoRoot } from './lib/tools.mjs';

const smoke = process.argv.includes('--smoke');
const sh = (cmd, args) => spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' }).status === 0;

const installed = join(repoRoot, 'node_modules/.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(repoRoot, 'package-lock.json')).mtimeMs) {
  if (!sh('npm', ['ci', '--no-audit', '--no-fund'])) process.exit(1);
}
if (!sh('node', ['scripts/bundle.mjs'])) process.exit(1);

// A fresh copy, so every demo starts from version 1 and the repository stays clean.
const workspace = join(repoRoot, '.demo');
rmSync(workspace, { recursive: true, force: true });
cpSync(join(repoRoot, 'demo'), workspace, { recursive: true });

const hasDesktopCode = !smoke && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasDesktopCode) {
  sh('code', ['--new-window', `--extensionDevelopmentPath=${repoRoot}`, workspace]);
  console.log(`\nOpened ${workspace} in VS Code. Edit banner() in src/main.ts and save.`);
  process.exit(0);
}

ensureTools();
const scratch = mkdtempSync(join(tmpdir(), 'live-update-demo-'));
if (smoke) {
  // The smoke run starts the launch configuration itself, so it sees the program from its first line.
  const settings = join(workspace, '.vscode/settings.json');
  writeFileSync(settings, readFileSync(settings, 'utf8').replace(/"liveUpdate\.autoStartLaunchConfig": "[^"]*"/, '"liveUpdate.autoStartLaunchConfig": ""'));
}
// The smoke run's observations are written here by the extension host (it inherits this env).
const log = join(scratch, 'smoke.log');
writeFileSync(log, '');
process.env.LIVE_UPDATE_E2E_LOG = log;
const server = await startCodeServer({ folder: workspace, scratch });
const url = workbenchUrl(server.url, {
  folder: workspace,
  extensionPath: repoRoot,
  testsPath: smoke ? join(repoRoot, 'dist/test/e2e/smoke/index.js') : undefined,
});

if (!smoke) {
  console.log(`\nLive Update demo: VS Code is running at\n\n  ${url}\n`);
  console.log('Open it in a browser. The demo program starts under the debugger by itself; edit what');
  console.log('banner() returns in src/main.ts, save, and watch the Debug Console. Ctrl+C to stop.');
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  let code = 1;
  try {
    code = await runWorkbench(url, { timeoutMs: 5 * 60_000 });
  } catch (e) {
    console.error(`smoke: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await server.stop();
  }
  process.stdout.write(readFileSync(log, 'utf8'));
  process.exit(code === 0 ? 0 : 1);
}
