// No user code runs in the language server (issue 9, Security): the server reads the workspace's
// files, analyses and type-checks them, but never runs them. Every file of this project would
// append a line to `ran.log` if run — its top level, a TypeScript language-service plugin its
// tsconfig names, its package's install scripts — and only the program itself (the debuggee) may
// ever write one, while the real server over real LSP opens, saves, analyses, type-checks and
// applies edits of each file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { DocumentFunctions } from '../../common/protocol';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient } from '../support/languageServer';

const cleanups: Array<() => Promise<void>> = [];
after(() => Promise.all(cleanups.map((c) => c())));

/** A statement that appends `<what> <pid>` to ran.log beside the file, in CommonJS or an ES module. */
const sentinel = (what: string, esm = false): string =>
  esm
    ? `import { appendFileSync } from 'node:fs'; appendFileSync(new URL('./ran.log', import.meta.url), \`${what} \${process.pid}\\n\`);`
    : `require('node:fs').appendFileSync(require('node:path').join(__dirname, 'ran.log'), \`${what} \${process.pid}\\n\`);`;

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-no-user-code-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write('package.json', JSON.stringify({ name: 'sentinel', version: '1.0.0', scripts: { preinstall: 'node -e "x"', postinstall: 'node plugin.cjs', prepare: 'node plugin.cjs' } }));
  write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs', target: 'es2022', allowJs: true, checkJs: true, plugins: [{ name: 'sentinel-plugin' }] }, include: ['*.ts', '*.js', '*.mjs'] }));
  // tsserver would load this module as a plugin; the server must not.
  write('node_modules/sentinel-plugin/package.json', JSON.stringify({ name: 'sentinel-plugin', main: 'index.js' }));
  write('node_modules/sentinel-plugin/index.js', `${sentinel('plugin')}\nmodule.exports = () => ({ create: (info) => info.languageService });\n`);
  write('plugin.cjs', `${sentinel('install script')}\n`);
  write('main.ts', `${sentinel('main.ts')}\nconst { helper } = require('./util') as { helper: (n: number) => string };\n\nfunction label(n: number): string {\n  return 'v1 ' + helper(n);\n}\n\nsetInterval(() => console.log(label(1)), 100);\nvoid import('./mod.mjs');\n`);
  write('util.js', `${sentinel('util.js')}\nfunction helper(n) {\n  return String(n);\n}\nmodule.exports = { helper };\n`);
  write('mod.mjs', `${sentinel('mod.mjs', true)}\nexport function shout(s) {\n  return s.toUpperCase();\n}\n`);
  return dir;
}

const ranLog = (dir: string): string[] => (fs.existsSync(path.join(dir, 'ran.log')) ? fs.readFileSync(path.join(dir, 'ran.log'), 'utf8').split('\n').filter(Boolean) : []);

describe('language server: runs no user code', { timeout: 120_000 }, () => {
  it('opens, saves, analyses, type-checks and applies every kind of file without running any of them', async () => {
    const dir = project();
    const file = (name: string) => path.join(dir, name);
    const debuggee = await InspectedProcess.start(file('main.ts'), { cwd: dir });
    cleanups.push(() => debuggee.kill());
    await debuggee.waitForLine(/^v1 1$/);
    const programPid = await debuggee.evaluate<number>('process.pid');
    await eventually('the program to load its modules', () => ranLog(dir).length === 3);

    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());
    await client.configure({ typeCheck: 'block', typeCheckJavaScript: true });
    await client.setTargets([{ id: 'target-1', name: 'main.ts [test]', process: debuggee }]);

    const edits: [string, string, string][] = [
      ['main.ts', "'v1 '", "'v2 '"],
      ['util.js', 'String(n)', 'String(n + 1)'],
      ['mod.mjs', 's.toUpperCase()', 's.toLowerCase()'],
      // A type error: the gate checks the file and its importers with the project's options.
      ['util.js', 'String(n + 1)', 'String(n).notAMethod()'],
      ['main.ts', "'v2 ' + helper(n)", "'v2 ' + helper(n).length.toFixed(true)"],
    ];
    for (const [name, search, replacement] of edits) {
      const before = fs.readFileSync(file(name), 'utf8');
      assert.ok(before.includes(search), `${search} in ${name}`);
      const from = client.updates.length;
      await client.save(file(name), before.replace(search, replacement));
      await client.nextUpdate(from, 60_000).catch((e: Error) => assert.fail(`${name} ${replacement}: ${e.message}`));
      // The next edit starts from what the editor saved.
      fs.writeFileSync(file(name), before.replace(search, replacement));
      await client.connection.sendRequest(DocumentFunctions.type, { file: file(name), text: fs.readFileSync(file(name), 'utf8') });
    }
    await client.settle();
    assert.ok(client.updates.some((u) => u.outcome === 'applied'), JSON.stringify(client.updates.map((u) => u.summary)));

    const lines = ranLog(dir);
    assert.deepEqual(
      lines.map((l) => l.split(' ').slice(0, -1).join(' ')).sort(),
      ['main.ts', 'mod.mjs', 'util.js'],
      `only the program ran its modules, once each: ${lines.join(' | ')}`,
    );
    assert.ok(lines.every((l) => l.endsWith(` ${programPid}`)), lines.join(' | '));
  });
});
