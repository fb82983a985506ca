// `npm run screenshots`: the pictures in README.md, taken from the real thing: code-server with the
// extension under development on a copy of demo/, driven by test/e2e/screenshots/index.ts in its
// extension host, captured by headless Chromium into media/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runExtensionTests } from './lib/extensionTests.mjs';
import { ensureTools, repoRoot } from './lib/tools.mjs';

if (spawnSync('node', ['scripts/bundle.mjs'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0) process.exit(1);
ensureTools();
const scratch = mkdtempSync(join(tmpdir(), 'live-update-screenshots-'));
// The driver starts the launch configuration itself, after it arranged the window.
const demo = join(scratch, 'demo');
cpSync(join(repoRoot, 'demo'), demo, { recursive: true });
const settings = join(demo, '.vscode/settings.json');
writeFileSync(settings, readFileSync(settings, 'utf8').replace(/"liveUpdate\.autoStartLaunchConfig": "[^"]*"/, '"liveUpdate.autoStartLaunchConfig": ""'));

const captureDir = join(repoRoot, 'media/screenshots');
mkdirSync(captureDir, { recursive: true });
const code = await runExtensionTests({
  fixture: demo,
  scratch: join(scratch, 'run'),
  extensionPath: repoRoot,
  testsPath: join(repoRoot, 'dist/test/e2e/screenshots/index.js'),
  captureDir,
});
if (code === 0) {
  rmSync(scratch, { recursive: true, force: true });
  console.log(`screenshots: written to ${captureDir}`);
} else console.error(`screenshots: failed; logs kept in ${scratch}`);
process.exit(code);
