// Vendors the published releases the npm acceptance of issue 6 updates between (test/fixtures/
// npm-releases/<package>/<version>/index.js): for each package, every stable release whose entry
// is one CommonJS file that loads nothing but Node built-ins. Tests never download; run this once
// by hand (`node scripts/vendor-npm-releases.mjs`) to refresh the fixtures.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PACKAGES = ['ms', 'bytes', 'cookie', 'camelcase', 'range-parser', 'escape-html'];
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'test', 'fixtures', 'npm-releases');

for (const name of PACKAGES) {
  const versions = JSON.parse(execFileSync('npm', ['view', name, 'versions', '--json'], { encoding: 'utf8' }));
  const kept = [];
  for (const version of versions) {
    if (version.includes('-')) continue; // Pre-releases, canaries, nightlies.
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lu-vendor-'));
    try {
      const tarball = execFileSync('npm', ['pack', `${name}@${version}`, '--silent'], { cwd: work, encoding: 'utf8' }).trim().split('\n').at(-1);
      execFileSync('tar', ['xzf', tarball], { cwd: work });
      const pkgDir = path.join(work, 'package');
      const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
      if (manifest.type === 'module' || manifest.exports?.import) continue;
      let main = manifest.main ?? 'index.js';
      if (!/\.c?js$/.test(main)) main += '.js';
      const entry = path.join(pkgDir, main);
      if (!fs.existsSync(entry)) continue;
      const source = fs.readFileSync(entry, 'utf8');
      // One file: nothing it requires but Node's built-ins.
      const requires = [...source.matchAll(/require\(\s*([^)]*)\)/g)].map((m) => m[1].trim());
      if (requires.some((r) => !/^['"](node:)?[a-z_]+['"]$/.test(r))) continue;
      if (/^\s*(import|export)\s/m.test(source)) continue;
      const out = path.join(root, name, version);
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, 'index.js'), source);
      kept.push(version);
    } catch (e) {
      console.error(`${name}@${version}: ${e.message.split('\n')[0]}`);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  console.log(`${name}: ${kept.length} releases (${kept.join(', ')})`);
}
