// The analysis behind state transformers and instance migrations (issue 6): which steps a save
// gets, when a transformer or migrator runs, and what cannot run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrationSteps } from '../../server/src/analysis/migrations';
import { transformerSteps } from '../../server/src/analysis/transformers';

const file = '/project/state.js';
const state = 'let sessions = new Map();\nfunction f() { sessions.set(1, 2); }\n';
const transformer = 'void function transform$sessions(old) {\n  return new Map([...old].map(([k, v]) => [k, { v }]));\n};\n';

describe('analysis: state transformers', () => {
  it('runs a new transformer once, with the binding assigned, at its line', () => {
    const after = state.replace('new Map()', 'new Map(/* of objects */)') + transformer;
    const { steps, issues } = transformerSteps(file, state, after);
    assert.deepEqual(issues, []);
    assert.equal(steps.length, 1);
    assert.deepEqual({ ...steps[0], code: undefined, once: undefined }, { kind: 'transformer', label: 'transform$sessions', line: 2, code: undefined, assigns: ['sessions'], once: undefined });
    assert.match(steps[0]!.code, /^sessions = \(function transform\$sessions\(old\) \{[\s\S]*\}\)\(sessions\);$/);
  });

  it('does not run a transformer that already runs, nor an edit of it while the state is unchanged', () => {
    const before = state + transformer;
    assert.deepEqual(transformerSteps(file, before, before + '\n').steps, []);
    const edited = before.replace('{ v }', '{ v, w: 1 }');
    assert.deepEqual(transformerSteps(file, before, edited).steps, []);
    // The declaration changes again and the transformer with it: it runs for that change.
    const again = edited.replace('new Map()', 'new Map([])');
    assert.equal(transformerSteps(file, before, again).steps.length, 1);
  });

  it('reports a transformer declared as a function (it would strand every closure), for a missing binding, or async', () => {
    const declared = state + 'function transform$sessions(old) { return old; }\n';
    assert.match(transformerSteps(file, state, declared).issues[0]!.reason, /`void function transform\$sessions\(old\) \{ … \};`/);
    const missing = state + 'void function transform$users(old) { return old; };\n';
    assert.match(transformerSteps(file, state, missing).issues[0]!.reason, /no top-level `let`, `const` or `var` named `users`/);
    const asynchronous = state + 'void async function transform$sessions(old) { return old; };\n';
    assert.match(transformerSteps(file, state, asynchronous).issues[0]!.reason, /plain synchronous function/);
  });
});

describe('analysis: instance migrations', () => {
  const cls = 'class P {\n  a = 1;\n  constructor(x) {\n    this.x = x;\n    this.b = 2;\n  }\n}\n';

  it('finds added and removed fields, class fields and constructor assignments', () => {
    const after = cls.replace('  a = 1;\n', '  c = [];\n').replace('    this.b = 2;\n', '    this.d = x * 2;\n    this.e = P.name;\n');
    const { steps, plans } = migrationSteps(file, cls, after);
    assert.deepEqual(plans, [{ className: 'P', added: ['c', 'd', 'e'], removed: ['a', 'b'], uncomputable: ['d'], migrator: false, line: 0, column: 6 }]);
    assert.equal(steps[0]!.kind, 'migration');
    assert.match(steps[0]!.code, /target: P, added: \[\["c", function \(\) \{ return \(\[\]\n\); \}\], \["d", function \(\) \{ return \(undefined\n\); \}\], \["e", function \(\) \{ return \(P\.name\n\); \}\]\], removed: \["a","b"\], migrate: undefined/);
  });

  it('takes a new or changed migrator, not one that runs already; no step when nothing changed', () => {
    const migrator = '  static migrate$(o) {\n    o.a = 0;\n  }\n}\n';
    const withMigrator = cls.replace(/\}\n$/, migrator);
    const first = migrationSteps(file, cls, withMigrator);
    assert.equal(first.plans[0]?.migrator, true);
    assert.match(first.steps[0]!.code, /migrate: function migrate\$\(o\) \{\n    o\.a = 0;\n  \}/);
    assert.deepEqual(migrationSteps(file, withMigrator, withMigrator.replace('this.b = 2', 'this.b = 3')).steps, []);
    assert.deepEqual(migrationSteps(file, cls, cls.replace('a = 1', 'a = 5')).steps, []);
  });
});
