// The plan for new and removed top-level declarations (server/src/analysis/declarations.ts): the
// patch text keeps the running module's layout, positions do not move, and each new declaration
// becomes a step that evaluates at its own line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareCollected } from '../../server/src/analysis/changes';
import { planDeclarations, type DeclarationPlan } from '../../server/src/analysis/declarations';
import { collectFunctions } from '../../server/src/analysis/functions';

const url = 'file:///x.js';
const plan = (before: string, after: string, blankNew = true) =>
  planDeclarations(url, collectFunctions('/x.js', before), after, collectFunctions('/x.js', after), { blankNew });

const lineOf = (text: string, search: string) => text.slice(0, text.indexOf(search)).split('\n').length - 1;

describe('analysis: new and removed top-level declarations', () => {
  it('makes a new declaration a comment of the same length and a step at its line', () => {
    const before = 'let n = 0;\nfunction f() {\n  return n;\n}\n';
    const after = "let n = 0;\nconst LABEL = 'x';\nfunction helper() { return LABEL; }\nfunction twice(s) {\n  return s + s;\n}\nfunction f() {\n  return twice(helper()) + n;\n}\n";
    const p = plan(before, after) as DeclarationPlan;
    assert.equal(p.code.length, after.length);
    assert.deepEqual(p.code.split('\n').map((l) => l.length), after.split('\n').map((l) => l.length), 'no position moves');
    assert.deepEqual(p.declared.sort(), ['LABEL', 'helper', 'twice']);
    assert.deepEqual(p.steps.map((s) => [s.kind, s.label, s.line]), [
      ['declaration', 'const LABEL', 1],
      ['declaration', 'function helper', 2],
      ['declaration', 'function twice', 3],
    ]);
    assert.equal(p.code.split('\n').slice(3, 6).join('\n'), '/*nction twice(s) {\n  return s + */\n ', 'a comment, every newline where it was');
    // The running layout is kept: the patch text declares exactly what runs.
    const changes = compareCollected(collectFunctions('/x.js', before), collectFunctions('/x.js', p.code));
    assert.equal(changes.layoutChanged, undefined);
    assert.deepEqual(changes.changed.map((c) => c.after.displayName), ['f']);
    // The step's code puts the statement at its line in the file.
    const step = p.steps[1]!;
    assert.equal(lineOf(step.code, 'function helper'), 2);
    assert.match(step.code, /return \{ "helper": helper \};/);
    assert.match(step.code, /sourceMappingURL=data:application\/json/);
  });

  it('keeps a removed declaration declared where it was, without moving a line', () => {
    const before = "let n = 0;\nfunction old() { return 1; }\nconst gone = 2;\nfunction f() {\n  return n;\n}\n";
    const after = 'let n = 0;\nfunction f() {\n  return n + 1;\n}\n';
    const p = plan(before, after) as DeclarationPlan;
    assert.deepEqual(p.kept.sort(), ['gone', 'old']);
    assert.equal(p.code.split('\n').length, after.split('\n').length);
    assert.match(p.code, /^let n = 0;\nvar old;let gone;function f\(\) \{/);
    const changes = compareCollected(collectFunctions('/x.js', before), collectFunctions('/x.js', p.code));
    assert.equal(changes.layoutChanged, undefined);
  });

  it('turns a new import into require, and only adds steps when the top level is kept as it runs', () => {
    const before = 'export function f() {\n  return 1;\n}\n';
    const after = "import { basename as base } from 'node:path';\nimport def, * as ns from './y.mjs';\nexport function f() {\n  return base('/a');\n}\n";
    const p = planDeclarations('file:///x.mjs', collectFunctions('/x.mjs', before), after, collectFunctions('/x.mjs', after), { blankNew: false }) as DeclarationPlan;
    assert.equal(p.code, after, 'an ES module keeps its running top level (splice): the text is not changed here');
    assert.match(p.steps[0]!.code, /const \{ basename: base \} = require\("node:path"\);/);
    assert.match(p.steps[1]!.code, /const def = \(\(m\) => .*\)\(require\("\.\/y\.mjs"\)\); const ns = require\("\.\/y\.mjs"\);/);
  });

  it('refuses a statement that declares new names beside existing ones', () => {
    const r = plan('let a = 1;\n', 'let a = 1, b = 2;\n');
    assert.ok(r && 'refused' in r);
    assert.match(r.refused, /declares `b` beside `a`/);
  });

  it('has nothing to do when no top-level name changed', () => {
    assert.equal(plan('let a = 1;\nfunction f() {}\n', 'let a = 2;\nfunction f() { a++; }\n'), undefined);
  });
});
