// Vendors the published releases the npm replay updates between (test/fixtures/npm-releases/
// <package>/<version>/): for each library of LIBRARIES, every stable release in its range whose
// entry and what it requires are CommonJS files of the package itself (relative requires, Node
// built-ins): the entry, each file reached through a relative `require`, and a package.json naming
// the entry. A release that requires another package, or is an ES module, is skipped. Tests never
// download; run this by hand to refresh the fixtures (`node scripts/vendor-npm-releases.mjs
// [name…]`); tarballs are kept in `<tmp>/live-update-npm-cache/` between runs.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The libraries and the release ranges kept (inclusive; numeric order). Chosen for their shapes:
 * one-file functions (ms, bytes, cookie, camelcase, range-parser, escape-html, minimist), a library
 * inside an IIFE with regex tables derived from each other and constructors (marked 0.3), a UMD
 * wrapper with objects built at load (mustache: `new Writer()`), regex tables filled by a counter
 * and compiled by a loop (semver 5–6) and then across several files (semver 7), a multi-file
 * library with tables built by loops (qs), prototypes and objects created at load across files
 * (diff), rule tables filled at load by calls in loops inside a UMD wrapper (pluralize), an IIFE
 * assigning `module.exports` (filesize), an object built at load by `new Mime(tables from two
 * files)` (mime 2), and TypeScript's CommonJS output (path-to-regexp 2–6). Then libraries nobody had
 * tuned the engine for: a function inside a UMD wrapper whose exports wiring changes (classnames),
 * one file in sloppy mode with octal escapes, later null-prototype objects (ini), a UMD bundle then
 * Rollup's CommonJS output (deepmerge), many files with types registered into schemas built at
 * load (js-yaml 3), and a package whose entry moves and becomes Babel's output with hex tables
 * filled by a loop and exports defined by `Object.defineProperty` (uuid 3, 7–8).
 */
const LIBRARIES = [
  { name: 'ms' },
  { name: 'bytes' },
  { name: 'cookie' },
  { name: 'camelcase' },
  { name: 'range-parser' },
  { name: 'escape-html' },
  { name: 'minimist' },
  { name: 'marked', from: '0.3.0', to: '0.3.19' },
  { name: 'mustache', from: '0.4.0' },
  { name: 'semver', from: '5.0.0' },
  { name: 'qs', from: '6.0.0', to: '6.9.7' },
  { name: 'diff', from: '3.0.0', to: '5.2.0' },
  { name: 'pluralize', from: '1.0.0' },
  { name: 'filesize', from: '3.0.2', to: '6.4.0' },
  { name: 'mime', from: '2.0.0', to: '2.6.0' },
  { name: 'path-to-regexp', from: '0.1.0', to: '6.2.2' },
  { name: 'classnames', from: '1.0.0', to: '2.5.1' },
  { name: 'ini', from: '1.0.0', to: '4.1.3' },
  { name: 'deepmerge', from: '1.3.0', to: '4.3.1' },
  { name: 'js-yaml', from: '3.8.0', to: '3.14.2' },
  { name: 'uuid', from: '3.0.0', to: '8.3.2' },
];

const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'test', 'fixtures', 'npm-releases');
const cache = path.join(os.tmpdir(), 'live-update-npm-cache');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** The package's files for one release, extracted from its tarball (cached). */
function unpacked(name, version) {
  const dir = path.join(cache, `${name.replace('/', '+')}@${version}`);
  if (!fs.existsSync(path.join(dir, 'package', 'package.json'))) {
    fs.mkdirSync(dir, { recursive: true });
    const tarball = execFileSync('npm', ['pack', `${name}@${version}`, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').at(-1);
    execFileSync('tar', ['xzf', tarball], { cwd: dir });
    fs.rmSync(path.join(dir, tarball));
  }
  return path.join(dir, 'package');
}

/** The entry a `require(name)` loads, as Node resolves it (CommonJS condition). */
function entryOf(pkgDir, manifest) {
  const exported = manifest.exports?.['.'] ?? manifest.exports;
  const fromExports = typeof exported === 'string' ? exported : (exported?.require ?? exported?.node ?? exported?.default);
  const main = (typeof fromExports === 'string' ? fromExports : undefined) ?? manifest.main ?? 'index.js';
  return resolveFile(pkgDir, path.join(pkgDir, main));
}

function resolveFile(pkgDir, base) {
  for (const candidate of [base, `${base}.js`, `${base}.cjs`, path.join(base, 'index.js')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return path.relative(pkgDir, candidate);
  }
  return undefined;
}

/** The files reached from the entry through relative requires; a string says why the release is skipped. */
function reachable(pkgDir, entry) {
  const files = new Set();
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift();
    if (files.has(file)) continue;
    files.add(file);
    const source = fs.readFileSync(path.join(pkgDir, file), 'utf8');
    if (!file.endsWith('.json') && /^\s*(import|export)\s[^(]/m.test(source) && !/\brequire\s*\(/.test(source)) return `${file} is an ES module`;
    if (/\brequire\s*\(\s*[^'"\s)]/.test(source)) return `${file} computes what it requires`;
    for (const m of source.matchAll(/\brequire\s*\(\s*(['"])([^'"]+)\1\s*\)/g)) {
      const spec = m[2];
      if (builtins.has(spec)) continue;
      if (!spec.startsWith('.')) return `${file} requires ${spec}`;
      const resolved = resolveFile(pkgDir, path.resolve(path.dirname(path.join(pkgDir, file)), spec));
      if (!resolved) return `${file} requires ${spec}, which the package does not have`;
      if (resolved.endsWith('.json')) return `${file} requires the data file ${resolved}`;
      queue.push(resolved);
    }
  }
  return [...files].sort();
}

const only = process.argv.slice(2);
for (const lib of LIBRARIES) {
  if (only.length && !only.includes(lib.name)) continue;
  const versions = JSON.parse(execFileSync('npm', ['view', lib.name, 'versions', '--json'], { encoding: 'utf8' }))
    .filter((v) => !v.includes('-')) // pre-releases, canaries, nightlies
    .filter((v) => (!lib.from || compareVersions(v, lib.from) >= 0) && (!lib.to || compareVersions(v, lib.to) <= 0))
    .sort(compareVersions);
  const kept = [];
  const skipped = [];
  for (const version of versions) {
    try {
      const pkgDir = unpacked(lib.name, version);
      const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
      if (manifest.type === 'module') {
        skipped.push(`${version} (type module)`);
        continue;
      }
      const entry = entryOf(pkgDir, manifest);
      if (!entry) {
        skipped.push(`${version} (no CommonJS entry)`);
        continue;
      }
      const files = reachable(pkgDir, entry);
      if (typeof files === 'string') {
        skipped.push(`${version} (${files})`);
        continue;
      }
      const out = path.join(root, lib.name, version);
      fs.rmSync(out, { recursive: true, force: true });
      // One file named index.js needs no manifest (the layout the first corpus was vendored in).
      const layout = files.length === 1 && entry === 'index.js' ? [] : ['package.json'];
      for (const file of files) {
        fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
        fs.copyFileSync(path.join(pkgDir, file), path.join(out, file));
      }
      if (layout.length) fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify({ name: lib.name, version, main: entry }, null, 2) + '\n');
      kept.push(version);
    } catch (e) {
      skipped.push(`${version} (${e.message.split('\n')[0]})`);
    }
  }
  console.log(`${lib.name}: ${kept.length} releases (${kept.join(', ')})`);
  if (skipped.length) console.log(`  skipped: ${skipped.join('; ')}`);
}
