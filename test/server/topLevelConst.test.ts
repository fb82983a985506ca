// The running text's `const` → `let \t` rewrite (common/runningText.ts) against the TypeScript
// parser: over the fixtures, TypeScript's own library files and a sample of installed packages'
// files, the offsets the scanner rewrites must be exactly the top-level `const` declarations
// TypeScript finds. A file the scanner is unsure of is left as it is (fail-safe), and must be rare.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { topLevelConstAsLet, topLevelConstOffsets, type TypeStripper } from '../../common/runningText';
import { fixturesDir, repoRoot } from '../support/paths';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const amaro = require('amaro') as TypeStripper;

function walk(dir: string, out: string[], filter: (file: string) => boolean, limit = Infinity): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (out.length >= limit) return;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out, filter, limit);
    else if (entry.isFile() && filter(full)) out.push(full);
  }
}

/** The text the scanner sees: JavaScript as written, TypeScript blanked as the runtime blanks it. */
function scannedText(file: string): string | undefined {
  const source = fs.readFileSync(file, 'utf8');
  if (!/\.[cm]?ts$/.test(file)) return source;
  try {
    return amaro.transformSync(source, { mode: 'strip-only', filename: file }).code;
  } catch {
    return undefined;
  }
}

/** What TypeScript finds: the `const` keyword of each top-level `const` declaration. */
function expectedOffsets(file: string, text: string): number[] | undefined {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, /\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  if ((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length > 0) return undefined;
  const out: number[] = [];
  for (const s of sf.statements) {
    if (ts.isVariableStatement(s) && s.declarationList.flags & ts.NodeFlags.Const && !(s.declarationList.flags & ts.NodeFlags.Using)) out.push(s.declarationList.getStart(sf));
  }
  return out;
}

function check(files: string[]): { compared: number; unsure: string[]; constants: number } {
  let compared = 0;
  let constants = 0;
  const unsure: string[] = [];
  for (const file of files) {
    const text = scannedText(file);
    if (text === undefined) continue;
    const expected = expectedOffsets(file, text);
    if (!expected) continue;
    const found = topLevelConstOffsets(text);
    compared++;
    if (found === undefined) {
      unsure.push(path.relative(repoRoot, file));
      continue;
    }
    constants += expected.length;
    assert.deepEqual(found, expected, `${path.relative(repoRoot, file)}: the offsets rewritten differ from TypeScript's top-level consts`);
  }
  return { compared, unsure, constants };
}

describe('running text: top-level const as let', () => {
  it('rewrites only top-level const keywords, position for position', () => {
    const text = [
      '#!/usr/bin/env node',
      'const A = 1, B = `x${`y${A}`}z`;',
      'export const C = /[/]/g.source, D = 4 / 2 / 1;',
      'for (const k of []) {}',
      'function f() { const local = 1; return local; }',
      "const { e, f: [g] } = { e: 1, f: [2] }; x.const; y?.const; z = { const: 1 };",
      '// const in a comment',
      "/* const */ const H = '// const', I = \"const\";",
      'if (A) { const J = 1 }',
      'const K = a++ / 2, L = (1) / 2, M = [1][0] / 1;',
      'const{N}=O;const[P]=Q',
    ].join('\n');
    const rewritten = topLevelConstAsLet(text);
    assert.equal(rewritten.length, text.length);
    const lines = rewritten.split('\n');
    assert.equal(lines[1], 'let \t A = 1, B = `x${`y${A}`}z`;');
    assert.equal(lines[2], 'export let \t C = /[/]/g.source, D = 4 / 2 / 1;');
    assert.equal(lines[3], 'for (const k of []) {}');
    assert.equal(lines[4], 'function f() { const local = 1; return local; }');
    assert.match(lines[5]!, /^let \t \{ e/);
    assert.match(lines[5]!, /x\.const; y\?\.const; z = \{ const: 1 \}/);
    assert.equal(lines[7], "/* const */ let \t H = '// const', I = \"const\";");
    assert.equal(lines[8], 'if (A) { const J = 1 }');
    assert.equal(lines[9], 'let \t K = a++ / 2, L = (1) / 2, M = [1][0] / 1;');
    assert.equal(lines[10], 'let \t{N}=O;let \t[P]=Q');
    assert.deepEqual(topLevelConstOffsets(text), expectedOffsets('x.mjs', text));
  });

  it('changes nothing in a file it cannot scan to the end', () => {
    for (const text of ['const a = `unterminated', 'const a = "x', 'const a = 1; /* open', 'const a = (1;', 'const a = 1 }', 'const a = /re']) {
      assert.equal(topLevelConstAsLet(text), text);
    }
  });

  it('agrees with TypeScript on every fixture', () => {
    const files: string[] = [];
    walk(fixturesDir, files, (f) => /\.[cm]?[jt]s$/.test(f) && !f.endsWith('.d.ts'));
    const { compared, unsure, constants } = check(files);
    assert.ok(compared > 20, `only ${compared} fixtures compared`);
    assert.deepEqual(unsure, []);
    assert.ok(constants > 0);
  });

  it("agrees with TypeScript on its own library files and installed packages' files", () => {
    const files: string[] = [];
    walk(path.join(repoRoot, 'node_modules', 'typescript', 'lib'), files, (f) => f.endsWith('.js') && fs.statSync(f).size < 12_000_000, 12);
    const packages: string[] = [];
    // Every 7th JavaScript file of the installed packages, up to a few hundred: varied real code.
    let seen = 0;
    walk(path.join(repoRoot, 'node_modules'), packages, (f) => /\.[cm]?js$/.test(f) && !f.includes(`${path.sep}typescript${path.sep}`) && seen++ % 7 === 0 && fs.statSync(f).size < 2_000_000, 600);
    const { compared, unsure, constants } = check([...files, ...packages]);
    console.log(`# const-as-let: ${compared} files compared, ${constants} top-level consts, ${unsure.length} unsure (left as written)`);
    assert.ok(compared > 300, `only ${compared} files compared`);
    assert.ok(constants > 100, `only ${constants} top-level consts met`);
    // Unsure files keep their text (safe); there must be few.
    assert.ok(unsure.length <= compared / 50, `unsure about ${unsure.length} of ${compared}: ${unsure.slice(0, 10).join(', ')}`);
  });
});
