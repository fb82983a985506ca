// The type-check gate (server/src/typecheck): which type errors a saved change introduces, in the
// changed file and in the files that import it. Fixture projects are read from disk; every edit
// is passed as text (nothing is written).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TypeGate, type TypeCheckError, type TypeCheckResult } from '../../server/src/typecheck/typeGate';
import { fixture } from '../support/paths';

const file = (...parts: string[]) => fixture('typecheck', ...parts).replace(/\\/g, '/');
const read = (f: string) => fs.readFileSync(f, 'utf8');

/** `[file name, 0-based line, 0-based column, code, where]`: exact, so a wrong answer fails. */
type Brief = [string, number, number, number, TypeCheckError['where']];
const brief = (errors: TypeCheckError[]): Brief[] => errors.map((e) => [path.basename(e.file), e.start.line, e.start.column, e.code, e.where]);

/** One edit: `from` must occur exactly once in `text`. */
function edit(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `expected exactly one "${from}"`);
  return text.replace(from, to);
}

describe('type-check gate', () => {
  // One gate for the TypeScript project, as in a server session: later cases reuse its project.
  const gate = new TypeGate();
  const math = file('ts-project', 'src', 'math.ts');
  const mathText = read(math);
  const threeParameters = edit(mathText, 'add(a: number, b: number): number', 'add(a: number, b: number, c: number): number');

  it('a signature change breaks the callers in other files, directly and through a barrel', () => {
    const result = gate.check(math, threeParameters, mathText);
    assert.deepEqual(brief(result.introduced), [
      ['main.ts', 2, 14, 2554, 'caller'],
      ['report.ts', 3, 16, 2554, 'caller'],
    ]);
    assert.equal(result.introduced[0]!.message, 'Expected 3 arguments, but got 2.');
    assert.deepEqual(result.introduced[0]!.end, { line: 2, column: 17 });
    // The pre-existing errors (math.ts line 6, main.ts line 3) are there, but not introduced.
    assert.deepEqual(brief(result.errors), [
      ['math.ts', 6, 8, 2322, 'changed-file'],
      ['main.ts', 2, 14, 2554, 'caller'],
      ['main.ts', 3, 6, 2322, 'caller'],
      ['report.ts', 3, 16, 2554, 'caller'],
    ]);
    assert.deepEqual(result.callers.map((f) => path.basename(f)), ['index.ts', 'main.ts', 'report.ts']);
    assert.equal(result.isJavaScript, false);
    assert.equal(result.comparedWithPrevious, true);
    assert.equal(result.project, file('ts-project', 'tsconfig.json'));
    assert.ok(result.durationMs > 0);
  });

  it('without a previous text, every error of the file and its callers counts', () => {
    const result = new TypeGate().check(math, threeParameters);
    assert.equal(result.comparedWithPrevious, false);
    assert.deepEqual(brief(result.introduced), [
      ['math.ts', 6, 8, 2322, 'changed-file'],
      ['main.ts', 2, 14, 2554, 'caller'],
      ['main.ts', 3, 6, 2322, 'caller'],
      ['report.ts', 3, 16, 2554, 'caller'],
    ]);
  });

  it('lines added above a pre-existing error do not make it new; a second identical error is new', () => {
    const above = `// three new lines\nexport const unit = 1;\n\n${mathText}`;
    const moved = gate.check(math, above, mathText);
    assert.deepEqual(brief(moved.introduced), []);
    assert.deepEqual(brief(moved.errors), [
      ['math.ts', 9, 8, 2322, 'changed-file'],
      ['main.ts', 3, 6, 2322, 'caller'],
    ]);

    // The same error text on another line of the same text: matched as a multiset, so one is new.
    const twice = edit(above, '  return value * factor;', '  return value * factor;\n}\n\nexport function twice(): void {\n  const label: string = 42;');
    assert.deepEqual(brief(gate.check(math, twice, mathText).introduced), [['math.ts', 14, 8, 2322, 'changed-file']]);
  });

  it('accept makes a text the baseline; a held text is neither baseline nor seen by other files', () => {
    const g = new TypeGate();
    g.didOpen(math, mathText);
    assert.equal(g.previousText(math), mathText);

    // Held: the engine does not accept it. The next check still compares with the opened text…
    assert.deepEqual(brief(g.check(math, threeParameters).introduced), [
      ['main.ts', 2, 14, 2554, 'caller'],
      ['report.ts', 3, 16, 2554, 'caller'],
    ]);
    // …and a caller checked now sees math.ts as it runs (two parameters): only its old error.
    const main = file('ts-project', 'src', 'main.ts');
    const mainText = read(main);
    const mainResult = g.check(main, edit(mainText, 'console.log(total, wrong);', 'console.log(total, wrong, add(5, 6));'));
    assert.deepEqual(brief(mainResult.introduced), [['main.ts', 3, 6, 2322, 'changed-file']]);

    // Applied: accepted, so the same errors are no longer new, and a fix of one caller's call is
    // compared with the three-parameter version.
    g.accept(math, threeParameters);
    assert.equal(g.previousText(math), threeParameters);
    const sameAgain = g.check(math, threeParameters);
    assert.deepEqual(brief(sameAgain.introduced), []);
    assert.equal(sameAgain.exportsChanged, false);
    const backToTwo = g.check(math, mathText);
    assert.deepEqual(brief(backToTwo.introduced), []);
    assert.equal(backToTwo.errors.filter((e) => e.code === 2554).length, 0);
  });

  it('JavaScript is checked as checkJs would, even when the jsconfig does not ask for it', () => {
    const counter = file('js-project', 'counter.js');
    const counterText = read(counter);
    const result = new TypeGate().check(counter, edit(counterText, 'return count + 1;', 'return String(count + 1);'), counterText);
    assert.equal(result.isJavaScript, true);
    assert.equal(result.project, file('js-project', 'jsconfig.json'));
    // main.js assigns the (now string) result to `let count = 0`; no implicit-any noise (not strict).
    assert.deepEqual(brief(result.introduced), [['main.js', 4, 0, 2322, 'caller']]);
    assert.equal(result.introduced[0]!.message, "Type 'string' is not assignable to type 'number'.");
    assert.deepEqual(brief(result.errors), brief(result.introduced));
  });

  it('a file no config lists gets an inferred project: strict TypeScript, lenient JavaScript', () => {
    const g = new TypeGate();
    const greet = file('no-config', 'greet.ts');
    const main = file('no-config', 'main.ts');
    const greetText = read(greet);
    // An inferred project knows the files it has seen: main.ts is a caller once opened.
    g.didOpen(main, read(main));
    const result = g.check(greet, edit(greetText, 'greet(name: string)', 'greet(name: string, punctuation: string)'), greetText);
    assert.match(result.project, /^inferred:ts:/);
    assert.deepEqual(brief(result.introduced), [['main.ts', 2, 12, 2554, 'caller']]);

    const implicitAny = g.check(greet, edit(greetText, 'name: string', 'name'), greetText);
    assert.deepEqual(brief(implicitAny.introduced), [['greet.ts', 1, 22, 7006, 'changed-file']]);

    const legacy = file('no-config', 'legacy.js');
    const legacyText = read(legacy);
    const js = g.check(legacy, `${legacyText}let mode = 'a';\nmode = 1;\n`);
    assert.match(js.project, /^inferred:js:/);
    assert.equal(js.isJavaScript, true);
    assert.deepEqual(brief(js.introduced), [['legacy.js', 6, 0, 2322, 'changed-file']]);
  });

  it('a body edit that keeps the declarations checks no caller; one that changes an inferred type does', () => {
    const g = new TypeGate();
    g.didOpen(math, mathText);
    const body = g.check(math, edit(mathText, 'return a + b;', 'return a + b + qqq;'));
    assert.equal(body.exportsChanged, false);
    assert.deepEqual(body.callers, []);
    assert.deepEqual(brief(body.introduced), [['math.ts', 2, 17, 2304, 'changed-file']]);

    // `label` has no return type annotation: returning a number breaks `label(1).toUpperCase()`.
    const inferred = g.check(math, edit(mathText, 'return `#${n}`;', 'return n;'));
    assert.equal(inferred.exportsChanged, true);
    assert.deepEqual(brief(inferred.introduced), [['main.ts', 5, 21, 2339, 'caller']]);
  });

  it('the second check after a one-line edit reuses the project', () => {
    const g = new TypeGate();
    const first = g.check(math, threeParameters, mathText);
    g.accept(math, threeParameters);
    const second: TypeCheckResult = g.check(math, edit(threeParameters, 'return a + b;', 'return a + b + c;'));
    assert.deepEqual(brief(second.introduced), []);
    assert.equal(second.exportsChanged, false);
    // Not a benchmark (see npm run bench -- --case typecheck), only a guard against rebuilding
    // everything: the first check parses the lib files, the second must not.
    assert.ok(second.durationMs < first.durationMs / 4, `first ${first.durationMs.toFixed(0)} ms, second ${second.durationMs.toFixed(0)} ms`);
  });
});
