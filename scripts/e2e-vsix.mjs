// The packaged extension end to end: `npm run package` builds the .vsix, code-server installs it
// into a fresh extensions folder (`--install-extension`, as a user would), and test/e2e/vsix runs
// in the real extension host against that installed copy on a copy of test/fixtures/vsix-workspace.
// The workbench only runs extension tests for a development extension, so the development path is
// an empty stand-in extension with another id, never the repository.
// Prints the suite's output and exits with its exit code.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installExtension } from './lib/codeServer.mjs';
import { runExtensionTests } from './lib/extensionTests.mjs';
import { ensureTools, repoRoot } from './lib/tools.mjs';

ensureTools();
const scratch = mkdtempSync(join(tmpdir(), 'live-update-vsix-'));
const fail = (message) => {
  console.error(`e2e-vsix: ${message}; logs kept in ${scratch}`);
  process.exit(1);
};

// 1. Package (vsce runs the build first), into the scratch folder so the repository stays clean.
const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsix = join(scratch, `${name}-${version}.vsix`);
const packaged = spawnSync('npm', ['run', 'package', '--', '--out', vsix], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
if (packaged.status !== 0) fail('npm run package failed');
console.log(`e2e-vsix: packaged ${vsix} (${(statSync(vsix).size / 1024 / 1024).toFixed(2)} MB)`);

// 2. Install it where the code-server of step 3 looks for extensions.
const extensionsDir = installExtension(vsix, { scratch: join(scratch, 'cs') });
process.env.LIVE_UPDATE_VSIX_EXTENSIONS_DIR = extensionsDir;
console.log(`e2e-vsix: installed into ${extensionsDir}`);

// 3. The stand-in development extension: it contributes nothing and never activates; it holds the
// bundled suite (so VS Code attributes the tests' `vscode` API to it) and finds mocha through a
// link to the repository's node_modules.
const standIn = join(scratch, 'test-host');
mkdirSync(standIn);
writeFileSync(
  join(standIn, 'package.json'),
  JSON.stringify({ name: 'live-update-vsix-tests', publisher: 'live-update-tests', version: '0.0.0', engines: { vscode: '*' } }),
);
for (const file of ['index.js', 'installed.test.js']) copyFileSync(join(repoRoot, 'dist/test/e2e/vsix', file), join(standIn, file));
symlinkSync(join(repoRoot, 'node_modules'), join(standIn, 'node_modules'));
const code = await runExtensionTests({
  fixture: join(repoRoot, 'test/fixtures/vsix-workspace'),
  scratch,
  extensionPath: standIn,
  testsPath: join(standIn, 'index.js'),
});
if (code !== 0) fail(`the suite failed (exit code ${code})`);

// 4. The extension host's log says Live Update activated, and the suite saw it run from the
// installed folder.
const installed = join(extensionsDir, `live-update.${name}-${version}`);
const activated = /^e2e-vsix: activated \S+ \S+ from (.+)$/m.exec(readFileSync(join(scratch, 'e2e.log'), 'utf8'))?.[1];
if (activated !== installed) fail(`the extension ran from ${activated}, not from ${installed}`);
const logs = join(scratch, 'cs/user/logs');
const hostLog = readdirSync(logs, { recursive: true }).filter((f) => f.endsWith('remoteexthost.log')).map((f) => readFileSync(join(logs, f), 'utf8')).join('');
if (!hostLog.includes('_doActivateExtension live-update.live-update,')) fail('the extension host log does not show Live Update activating');
console.log(`e2e-vsix: the extension host activated live-update.live-update from ${installed}`);
rmSync(scratch, { recursive: true, force: true });
