// The extension host restarts while a program runs with an update applied and one pending
// (issue 9). code-server on the end-to-end fixture with Live Update and a helper extension under
// development (test/e2e/reload/: its main sets the scene in the first extension host and checks
// the second); this runner drives the workbench in headless Chromium as a user would: it waits for
// the scene, runs "Developer: Restart Extension Host" from the command palette, and waits for the
// helper's `reload: N passed, M failed`, which it prints. Exits 0 only when that says 1 passed.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { launchBrowser, newWorkbenchPage, startCodeServer, workbenchUrl } from './lib/codeServer.mjs';
import { startScreenChannel } from './lib/screenChannel.mjs';
import { ensureTools, repoRoot } from './lib/tools.mjs';

ensureTools();
const scratch = mkdtempSync(join(tmpdir(), 'live-update-e2e-reload-'));
const workspace = join(scratch, 'workspace');
cpSync(join(repoRoot, 'test/fixtures/e2e-workspace'), workspace, { recursive: true });
symlinkSync(join(repoRoot, 'node_modules'), join(workspace, 'node_modules'));
// The helper extension, installed as a user's extension would be (the workbench takes one
// extension under development only: Live Update): its main is the bundled driver.
const helper = join(scratch, 'cs', 'extensions', 'live-update.live-update-reload-driver-0.0.0');
mkdirSync(helper, { recursive: true });
writeFileSync(
  join(helper, 'package.json'),
  JSON.stringify({
    name: 'live-update-reload-driver',
    publisher: 'live-update',
    version: '0.0.0',
    engines: { vscode: '^1.90.0' },
    activationEvents: ['onStartupFinished'],
    main: relative(helper, join(repoRoot, 'dist/test/e2e/reload/index.js')),
    extensionDependencies: ['live-update.live-update'],
  }),
);
const log = join(scratch, 'e2e.log');
writeFileSync(log, '');
const scene = join(scratch, 'scene.json');
// The extension hosts inherit these (through code-server's environment).
process.env.LIVE_UPDATE_E2E_LOG = log;
process.env.LIVE_UPDATE_E2E_RELOAD = scene;
process.env.LIVE_UPDATE_TEST_NODE = process.execPath;
const screen = await startScreenChannel();
process.env.LIVE_UPDATE_E2E_SCREEN = screen.url;

const waitFor = async (what, probe, timeoutMs) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
};
const summary = () => /^reload: (\d+) passed, (\d+) failed$/m.exec(readFileSync(log, 'utf8'));

const server = await startCodeServer({ folder: workspace, scratch: join(scratch, 'cs') });
let ok = false;
const browser = await launchBrowser();
try {
  const page = await newWorkbenchPage(browser);
  screen.setPage(page);
  await page.goto(workbenchUrl(server.url, { folder: workspace, extensionPath: repoRoot }));
  await waitFor('scene (a program with an update applied and one pending)', () => existsSync(scene) || summary(), 180_000);
  if (!summary()) {
    console.log('reload: the scene is set; running "Developer: Reload Window" from the command palette (code-server offers no "Restart Extension Host")');
    await page.keyboard.press('F1');
    await page.keyboard.type('Developer: Reload Window');
    // Enter runs the first entry: wait until the palette lists the command.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Developer: Reload Window' }).first().waitFor({ timeout: 30_000 });
    if (process.env.LIVE_UPDATE_E2E_SCREENSHOT) await page.screenshot({ path: process.env.LIVE_UPDATE_E2E_SCREENSHOT });
    await page.keyboard.press('Enter');
  }
  const [, passed] = await waitFor('report from the restarted extension host', summary, 180_000);
  ok = Number(passed) === 1 && !/FAILED/.test(readFileSync(log, 'utf8'));
} catch (e) {
  console.error(`reload: ${e instanceof Error ? e.message : String(e)}`);
  if (!summary()) writeFileSync(log, `${readFileSync(log, 'utf8')}reload: 0 passed, 1 failed\n`);
} finally {
  process.stdout.write(readFileSync(log, 'utf8'));
  await browser.close();
  await screen.close();
  await server.stop();
}
if (ok) rmSync(scratch, { recursive: true, force: true });
else console.error(`e2e-reload: logs kept in ${scratch}`);
process.exit(ok ? 0 : 1);
