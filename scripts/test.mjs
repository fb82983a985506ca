// `npm test`: installs what is missing, builds, then runs every layer of tests against real
// components — the runtime in real Node processes, the language server over real LSP, and the
// extension end to end in a real VS Code. Ends with one line: "N passed, N failed".
//   npm test                 everything
//   npm test -- --no-e2e     skip the VS Code layer (quick local loop; CI never passes it)
//   npm test -- --no-bench   skip the benchmark's quick form (CI never passes it)
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTools, repoRoot, tools } from './lib/tools.mjs';

const args = process.argv.slice(2);
const run = (command, commandArgs, options = {}) => {
  const result = spawnSync(command, commandArgs, { cwd: repoRoot, stdio: 'inherit', ...options });
  return result.status ?? 1;
};
const step = (title) => console.log(`\n=== ${title} ===`);

// 1. Dependencies: install when missing or older than the lock file.
const lock = join(repoRoot, 'package-lock.json');
const installed = join(repoRoot, 'node_modules/.package-lock.json');
// A node_modules that is a link (a git worktree sharing another checkout's) is not ours to
// reinstall: `npm ci` would empty the folder it points to.
const linked = existsSync(join(repoRoot, 'node_modules')) && lstatSync(join(repoRoot, 'node_modules')).isSymbolicLink();
if (!linked && (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs)) {
  step('npm ci');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) process.exit(1);
}

// 2. Types and bundles.
step('build');
if (run('npx', ['tsc', '-b']) !== 0 || run('node', ['scripts/bundle.mjs']) !== 0) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

let passed = 0;
let failed = 0;
// What failed, by name, repeated just above the last line: CI logs keep only their tail.
const failures = [];
// Failing tests in a TAP file: every `not ok` line (file, suite, test), its nesting kept.
const failedInTap = (text, where) => {
  for (const match of text.matchAll(/^(\s*)not ok \d+ - (.+)$/gm)) {
    failures.push(`${where}: ${match[1].replace(/ {4}/g, '  ')}${match[2].replace(`${repoRoot}/`, '')}`);
  }
};

// 3. Node-level tests: runtime (real child processes), language server (real LSP) and the command
// line (in a tmux terminal).
ensureTools();
step('runtime, language server and command line tests');
const tap = join(mkdtempSync(join(tmpdir(), 'live-update-test-')), 'results.tap');
const nodeStatus = run('node', [
  '--test',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  'dist/test/architecture/', 'dist/test/runtime/', 'dist/test/server/', 'dist/test/cli/',
]);
const tapText = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tapText)?.[1] ?? 0);
passed += count('pass');
failed += count('fail') + count('cancelled');
failedInTap(tapText, 'Node tests');
if (nodeStatus !== 0 && count('fail') + count('cancelled') === 0) {
  failed += 1;
  failures.push(`Node tests: the test runner exited with ${nodeStatus}`);
}

// 3b. The runtime and the command line's programs again on Node 22 and 24 (the debuggee's Node,
// not the test runner's).
for (const [name, node] of [['22', tools.node22], ['24', tools.node24]]) {
  step(`runtime tests on Node ${name}`);
  const tapFile = join(mkdtempSync(join(tmpdir(), 'live-update-test-')), 'results.tap');
  const status = run('node', ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, 'dist/test/runtime/', 'dist/test/cli/'], {
    env: { ...process.env, LIVE_UPDATE_TEST_NODE: node },
  });
  const text = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const n = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  passed += n('pass');
  failed += n('fail') + n('cancelled');
  failedInTap(text, `Node ${name}`);
  if (status !== 0 && n('fail') + n('cancelled') === 0) {
    failed += 1;
    failures.push(`Node ${name}: the test runner exited with ${status}`);
  }
}

// 4. End to end in a real VS Code.
// A suite run by a driver script that ends with its line `<label>: N passed, N failed`; counts it
// (and one failure when the driver failed without saying how many tests did).
const runCountedSuite = (script, label, scriptArgs = []) => {
  const result = spawnSync('node', [script, ...scriptArgs], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(result.stdout ?? '');
  const summary = new RegExp(`^${label}: (\\d+) passed, (\\d+) failed$`, 'm').exec(result.stdout ?? '');
  passed += Number(summary?.[1] ?? 0);
  failed += Number(summary?.[2] ?? 0);
  if (Number(summary?.[2])) failures.push(`${label}: ${summary[2]} failed (their names are in its output above)`);
  if (result.status !== 0 && !Number(summary?.[2])) {
    failed += 1;
    failures.push(`${label}: ${script} exited with ${result.status} without its summary`);
  }
};
if (!args.includes('--no-e2e')) {
  step('end-to-end tests in VS Code (code-server)');
  runCountedSuite('scripts/e2e.mjs', 'e2e');
}

// 4a. Restricted Mode: the extension in a VS Code whose workspace trust is on and whose folder is
// not trusted (scripts/e2e.mjs --restricted).
if (!args.includes('--no-e2e')) {
  step('Restricted Mode (an untrusted folder) in VS Code (code-server)');
  runCountedSuite('scripts/e2e.mjs', 'e2e-restricted', ['--restricted']);
}

// 4b. The extension host restarts (Reload Window, driven from outside) while a program runs with
// an update pending (scripts/e2e-reload.mjs; test/e2e/reload/).
if (!args.includes('--no-e2e')) {
  step('extension host reload in VS Code (code-server)');
  runCountedSuite('scripts/e2e-reload.mjs', 'reload');
}

// 4c. The packaged extension: `npm run package`, installed into code-server from its .vsix, and a
// live update through that installed copy (scripts/e2e-vsix.mjs).
if (!args.includes('--no-e2e')) {
  step('the packaged .vsix, installed into VS Code (code-server)');
  runCountedSuite('scripts/e2e-vsix.mjs', 'e2e-vsix');
}

// 5. The demo's own smoke run: `npm run demo` must keep working.
if (!args.includes('--no-e2e')) {
  step('demo smoke run (npm run demo -- --smoke)');
  const result = spawnSync('node', ['scripts/demo.mjs', '--smoke'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(result.stdout ?? '');
  if (result.status === 0) passed += 1;
  else {
    failed += 1;
    failures.push(`demo smoke run: exited with ${result.status}`);
  }
}

// 6. The benchmark's quick form: CI keeps `npm run bench` working (it checks that it runs, not the
// figures, which these shared machines make noisy). `--no-bench` skips it in a local loop.
if (!args.includes('--no-bench')) {
  step('benchmark, quick form (npm run bench -- --quick; checks it runs)');
  const results = mkdtempSync(join(tmpdir(), 'live-update-bench-'));
  const status = run('node', ['dist/bench/src/main.js', '--quick'], { env: { ...process.env, LIVE_UPDATE_BENCH_RESULTS: results } });
  if (status === 0) passed += 1;
  else {
    failed += 1;
    failures.push(`benchmark, quick form: exited with ${status}`);
  }
}

if (failures.length > 0) {
  const shown = failures.slice(0, 40).map((line) => `  ${line}`);
  if (failures.length > shown.length) shown.push(`  … and ${failures.length - shown.length} more above`);
  console.log(`\nFailed:\n${shown.join('\n')}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
