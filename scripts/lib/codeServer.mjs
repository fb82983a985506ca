// Runs a real VS Code (code-server) on loopback, optionally driven by headless Chromium. Used by
// the end-to-end tests (extension tests run in the real extension host, reporting their exit code
// through `codeAutomationExit`) and by `npm run demo`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tools } from './tools.mjs';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server on `folder`. Resolves when it answers HTTP.
 * With `workspaceTrust`, VS Code's workspace trust is on and the folder is not trusted (Restricted
 * Mode), as for a folder a user opens for the first time; without it, trust is disabled.
 * @returns {Promise<{ url: string, port: number, stop: () => Promise<void>, log: () => string }>}
 */
export async function startCodeServer({ folder, scratch = mkdtempSync(join(tmpdir(), 'live-update-cs-')), workspaceTrust = false }) {
  const port = await freePort();
  const dirs = codeServerDirs(scratch);
  if (workspaceTrust) {
    // No start-up dialog: the folder simply opens in Restricted Mode, and the tests ask for trust.
    mkdirSync(join(dirs.user, 'User'), { recursive: true });
    writeFileSync(join(dirs.user, 'User/settings.json'), JSON.stringify({ 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }));
  }
  const child = spawn(
    tools.node24,
    [
      tools.codeServer,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--user-data-dir', dirs.user,
      '--extensions-dir', dirs.extensions,
      '--vscode-option', 'enable-smoke-test-driver',
      folder,
    ],
    {
      env: codeServerEnv(dirs),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (log += c));
  child.stderr.setEncoding('utf8').on('data', (c) => (log += c));
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited:\n${log}`);
    try {
      const res = await fetch(`${url}healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    log: () => log,
    stop: async () => {
      if (exited) return;
      const done = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await done;
    },
  };
}

/** The folders a code-server instance keeps its state in, all under `scratch` (created). */
function codeServerDirs(scratch) {
  const dirs = Object.fromEntries(['user', 'extensions', 'config', 'data'].map((d) => [d, join(scratch, d)]));
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

const codeServerEnv = (dirs) => ({ ...process.env, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, NODE_OPTIONS: '' });

/**
 * Installs a .vsix as a user would (`code-server --install-extension`) into the extensions folder
 * that `startCodeServer({ scratch })` then uses. Returns that folder.
 */
export function installExtension(vsix, { scratch }) {
  const dirs = codeServerDirs(scratch);
  const result = spawnSync(tools.node24, [tools.codeServer, '--user-data-dir', dirs.user, '--extensions-dir', dirs.extensions, '--install-extension', vsix], {
    env: codeServerEnv(dirs),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`installing ${vsix} failed:\n${result.stdout}${result.stderr}`);
  return dirs.extensions;
}

/**
 * The workbench URL that opens `folder` with the extension at `extensionPath` under development (and
 * tests, if given; the workbench runs extension tests only for a development extension).
 */
export function workbenchUrl(base, { folder, extensionPath, testsPath }) {
  const payload = [['extensionDevelopmentPath', `vscode-remote://remote${extensionPath}`]];
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://remote${testsPath}`]);
  return `${base}?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Headless Chromium (Debian's), as every workbench driver here runs it. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: tools.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

/** A page of the workbench's size. */
export const newWorkbenchPage = (browser) => browser.newPage({ viewport: { width: 1400, height: 900 } });

/**
 * Opens `url` in headless Chromium and resolves with the exit code the workbench reports through
 * `codeAutomationExit` (extension tests call it when `run()` settles). `onPage` receives the page
 * (the end-to-end tests' screen channel reads it).
 */
export async function runWorkbench(url, { onConsole = () => {}, timeoutMs = 10 * 60_000, screenshot, onPage = () => {} } = {}) {
  const browser = await launchBrowser();
  try {
    const page = await newWorkbenchPage(browser);
    page.on('console', (m) => onConsole(m.text()));
    onPage(page);
    const exit = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve(code)));
    await page.goto(url);
    let timer;
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no exit code within ${timeoutMs / 1000} s`)), timeoutMs)));
    try {
      const code = await Promise.race([exit, timeout]);
      if (screenshot) await page.screenshot({ path: screenshot }).catch(() => {});
      return code;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await browser.close();
  }
}
