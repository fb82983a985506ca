// The editor-agnostic analysis core: which functions of a file changed between two versions, by
// identity (a path of names), never by position. Data-driven: each case is two small versions of
// one file and what the comparison must find.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { compareVersions, patchFunctions } from '../../server/src/analysis/changes';
import { collectFunctions } from '../../server/src/analysis/functions';
import { fixture } from '../support/paths';

interface Case {
  name: string;
  file: 'x.js' | 'x.ts';
  before: string;
  after: string;
  expect: {
    /** Display names of the changed functions, in file order. */
    changed: string[];
    /** Paths of the functions only in `after` / only in `before`. */
    added: string[];
    removed: string[];
    topLevelChanged: boolean;
    /** How many syntax errors `after` has. */
    syntaxErrors: number;
    /** Notes per changed display name; a changed function not listed here must have none. */
    notes?: Record<string, string[]>;
  };
}

const nothing = { changed: [], added: [], removed: [], topLevelChanged: false, syntaxErrors: 0 };

const cases: Case[] = [
  {
    name: 'a body edit changes the function',
    file: 'x.js',
    before: 'function f() {\n  return 1;\n}\n',
    after: 'function f() {\n  return 2;\n}\n',
    expect: { ...nothing, changed: ['f'] },
  },
  {
    name: 'an edit inside a nested closure changes only the closure, not the function around it',
    file: 'x.js',
    before: 'function outer() {\n  const x = 1;\n  return () => x + 1;\n}\n',
    after: 'function outer() {\n  const x = 1;\n  return () => x + 2;\n}\n',
    expect: { ...nothing, changed: ['outer › <function>'] },
  },
  {
    // The closure moved down a line but kept its identity; only the enclosing function's own text
    // (the added line) changed.
    name: 'a line added above a nested function changes the enclosing function only',
    file: 'x.js',
    before: 'function outer() {\n  return function inner() { return 1; };\n}\n',
    after: 'function outer() {\n  const unused = 0;\n\n  return function inner() { return 1; };\n}\n',
    expect: { ...nothing, changed: ['outer'] },
  },
  {
    // The statement is top-level code, so topLevelChanged is true; `f` moved but did not change.
    // (Blank or comment lines alone also set topLevelChanged today: see the report, left out.)
    name: 'a statement added above a function moves it without changing it',
    file: 'x.js',
    before: 'function f() {\n  return 1;\n}\n',
    after: 'const limit = 3;\nfunction f() {\n  return 1;\n}\n',
    expect: { ...nothing, topLevelChanged: true },
  },
  {
    name: 'reordered function declarations change nothing',
    file: 'x.js',
    before: 'function a() {\n  return 1;\n}\nfunction b() {\n  return 2;\n}\n',
    after: 'function b() {\n  return 2;\n}\nfunction a() {\n  return 1;\n}\n',
    expect: nothing,
  },
  {
    name: 'reordered class methods change nothing',
    file: 'x.js',
    before: 'class Greeter {\n  a() { return 1; }\n  b() { return 2; }\n}\n',
    after: 'class Greeter {\n  b() { return 2; }\n  a() { return 1; }\n}\n',
    expect: nothing,
  },
  {
    // V8 compares text, so whitespace inside a function is a change of that function.
    name: 'whitespace inside a function body is a change of the function',
    file: 'x.js',
    before: 'function f() {\n  return 1;\n}\n',
    after: 'function f() {\n  return  1;\n}\n',
    expect: { ...nothing, changed: ['f'] },
  },
  {
    name: 'a class method is named Class.method',
    file: 'x.js',
    before: "class Greeter {\n  greet() { return 'hi'; }\n}\n",
    after: "class Greeter {\n  greet() { return 'hello'; }\n}\n",
    expect: { ...nothing, changed: ['Greeter.greet'] },
  },
  {
    // The display name drops `get ` (its path is `Greeter#/get name`). common/patch.ts documents
    // `get Class.x`; see the report (a getter and a setter of one property share this name).
    name: 'a getter is named get Class.property',
    file: 'x.js',
    before: "class Greeter {\n  get name() { return 'a'; }\n}\n",
    after: "class Greeter {\n  get name() { return 'b'; }\n}\n",
    expect: { ...nothing, changed: ['get Greeter.name'] },
  },
  {
    name: 'a static method is named static Class.method',
    file: 'x.js',
    before: 'class Greeter {\n  static create() { return new Greeter(); }\n}\n',
    after: 'class Greeter {\n  static create() { return new Greeter().init(); }\n}\n',
    expect: { ...nothing, changed: ['static Greeter.create'] },
  },
  {
    name: 'a constructor is named Class.constructor',
    file: 'x.js',
    before: 'class Greeter {\n  constructor() { this.n = 1; }\n}\n',
    after: 'class Greeter {\n  constructor() { this.n = 2; }\n}\n',
    expect: { ...nothing, changed: ['Greeter.constructor'] },
  },
  {
    name: 'a method of an anonymous class expression',
    file: 'x.js',
    before: 'const C = class {\n  m() { return 1; }\n};\n',
    after: 'const C = class {\n  m() { return 2; }\n};\n',
    expect: { ...nothing, changed: ['C.m'] },
  },
  {
    name: 'an arrow assigned to a const is named after the const',
    file: 'x.js',
    before: 'const add = (a, b) => a + b;\n',
    after: 'const add = (a, b) => b + a;\n',
    expect: { ...nothing, changed: ['add'] },
  },
  {
    name: 'an object literal method is named after its property',
    file: 'x.js',
    before: 'const api = {\n  run() { return 1; },\n};\n',
    after: 'const api = {\n  run() { return 2; },\n};\n',
    expect: { ...nothing, changed: ['api.run'] },
  },
  {
    name: 'a function assigned to a property is named after the property access',
    file: 'x.js',
    before: 'exports.handle = function () { return 1; };\n',
    after: 'exports.handle = function () { return 2; };\n',
    expect: { ...nothing, changed: ['exports.handle'] },
  },
  {
    name: 'an anonymous callback is named by the call it is passed to, as the outline names it',
    file: 'x.js',
    before: 'setInterval(() => {\n  tick(1);\n}, 50);\n',
    after: 'setInterval(() => {\n  tick(2);\n}, 50);\n',
    expect: { ...nothing, changed: ['setInterval() callback'] },
  },
  {
    // A new top-level declaration is top-level code too: the running script will not re-run it.
    name: 'a function added',
    file: 'x.js',
    before: 'function f() {\n  return 1;\n}\n',
    after: 'function f() {\n  return 1;\n}\nfunction g() {\n  return 2;\n}\n',
    expect: { ...nothing, added: ['g'], topLevelChanged: true },
  },
  {
    name: 'a method added to a class',
    file: 'x.js',
    before: 'class Greeter {\n  a() { return 1; }\n}\n',
    after: 'class Greeter {\n  a() { return 1; }\n  b() { return 2; }\n}\n',
    expect: { ...nothing, added: ['Greeter{}/b'], topLevelChanged: true },
  },
  {
    name: 'a function removed, with the closure inside it',
    file: 'x.js',
    before: 'function f() {\n  return 1;\n}\nfunction g() {\n  return () => 2;\n}\n',
    after: 'function f() {\n  return 1;\n}\n',
    expect: { ...nothing, removed: ['g', 'g/<arrow>'], topLevelChanged: true },
  },
  {
    name: 'a top-level statement changed',
    file: 'x.js',
    before: 'let counter = 0;\nfunction f() {\n  return counter;\n}\n',
    after: 'let counter = 10;\nfunction f() {\n  return counter;\n}\n',
    expect: { ...nothing, topLevelChanged: true },
  },
  {
    name: 'sync to async is a change with a note',
    file: 'x.js',
    before: 'function f() {\n  return 1;\n}\n',
    after: 'async function f() {\n  return 1;\n}\n',
    expect: { ...nothing, changed: ['f'], notes: { f: ['became async'] } },
  },
  {
    name: 'generator to plain function is a change with a note',
    file: 'x.js',
    before: 'function* f() {\n  yield 1;\n}\n',
    after: 'function f() {\n  return 1;\n}\n',
    expect: { ...nothing, changed: ['f'], notes: { f: ['is no longer a generator'] } },
  },
  {
    name: 'arrow to function expression is a change with a note',
    file: 'x.js',
    before: 'const h = () => 1;\n',
    after: 'const h = function () { return 1; };\n',
    expect: { ...nothing, changed: ['h'], notes: { h: ['changed from arrow to function-expression'] } },
  },
  {
    // The analysis compares the TypeScript text, not the JavaScript that runs, so a type-only edit
    // in a signature is a change of the function. That is conservative and harmless: the runtime
    // blanks types with whitespace of the same length before V8 compares, so here (`number` and
    // `string` have the same length) V8 sees identical text and replaces nothing.
    name: 'a TypeScript type-only change in a signature is a change of the function text',
    file: 'x.ts',
    before: 'function f(x: number): number {\n  return x;\n}\n',
    after: 'function f(x: string): number {\n  return x;\n}\n',
    expect: { ...nothing, changed: ['f'] },
  },
  {
    // Types outside functions are top-level text.
    name: 'a TypeScript interface change is top-level only',
    file: 'x.ts',
    before: 'interface Tick {\n  n: number;\n}\nfunction f(t: Tick) {\n  return t.n;\n}\n',
    after: 'interface Tick {\n  n: string;\n}\nfunction f(t: Tick) {\n  return t.n;\n}\n',
    expect: { ...nothing, topLevelChanged: true },
  },
  {
    name: 'a TypeScript method edit, overload signatures ignored',
    file: 'x.ts',
    before: 'class Greeter {\n  greet(n: number): string;\n  greet(n: any): string { return `hi ${n}`; }\n}\n',
    after: 'class Greeter {\n  greet(n: number): string;\n  greet(n: any): string { return `hello ${n}`; }\n}\n',
    expect: { ...nothing, changed: ['Greeter.greet'] },
  },
  {
    // The parser recovers, so the comparison still sees `f` change; the engine refuses to apply.
    name: 'a syntax error is reported',
    file: 'x.js',
    before: 'function f() {\n  return 1;\n}\n',
    after: 'function f() {\n  return 1 +;\n}\n',
    expect: { ...nothing, changed: ['f'], syntaxErrors: 1 },
  },
  {
    name: 'methods of the same name in two object literals are told apart',
    file: 'x.js',
    before: 'const a = {\n  run() { return 1; },\n};\nconst b = {\n  run() { return 2; },\n};\n',
    after: 'const a = {\n  run() { return 10; },\n};\nconst b = {\n  run() { return 2; },\n};\n',
    expect: { ...nothing, changed: ['a.run'] },
  },
  {
    name: 'a static and an instance method of the same name are told apart',
    file: 'x.js',
    before: 'class A {\n  static make() { return new A(); }\n  make() { return 1; }\n}\n',
    after: 'class A {\n  static make() { return new A(); }\n  make() { return 2; }\n}\n',
    expect: { ...nothing, changed: ['A.make'] },
  },
  {
    name: 'a getter and a setter of one property are told apart',
    file: 'x.js',
    before: 'class A {\n  get x() { return 1; }\n  set x(v) { this.v = v; }\n}\n',
    after: 'class A {\n  get x() { return 2; }\n  set x(v) { this.w = v; }\n}\n',
    expect: { ...nothing, changed: ['get A.x', 'set A.x'] },
  },
  {
    name: 'a comment and blank lines added above a function change nothing',
    file: 'x.js',
    before: 'function f() {\n  return 1;\n}\n',
    after: '\n// note\n\nfunction f() {\n  return 1;\n}\n',
    expect: { ...nothing },
  },
  {
    name: 'identical text changes nothing',
    file: 'x.ts',
    before: 'class Greeter {\n  constructor(private n: number) {}\n  get name(): number { return this.n; }\n}\n',
    after: 'class Greeter {\n  constructor(private n: number) {}\n  get name(): number { return this.n; }\n}\n',
    expect: nothing,
  },
];

describe('analysis: compareVersions', () => {
  for (const c of cases) {
    it(c.name, () => {
      const changes = compareVersions(c.file, c.before, c.after);
      const actual = {
        changed: changes.changed.map((x) => x.after.displayName),
        added: changes.added.map((x) => x.path),
        removed: changes.removed.map((x) => x.path),
        topLevelChanged: changes.topLevelChanged,
        syntaxErrors: changes.syntaxErrors.length,
      };
      const { notes, ...expected } = c.expect;
      assert.deepEqual(actual, expected);
      for (const change of changes.changed) {
        assert.deepEqual(change.notes, notes?.[change.after.displayName] ?? [], `notes of ${change.after.displayName}`);
        assert.equal(change.before.path, change.after.path);
      }

      // The patch lists changed and removed functions, located in the text that runs now.
      const patch = patchFunctions(changes);
      assert.deepEqual(
        patch.map((p) => [p.name, p.oldStart, p.oldEnd]),
        [
          ...changes.changed.map((x) => [x.after.displayName, x.before.start, x.before.end]),
          ...changes.removed.map((x) => [x.displayName, x.start, x.end]),
        ],
      );
    });
  }
});

describe('analysis: patchFunctions', () => {
  it('describes a changed function by its place and flags in the old text, under its new name', () => {
    const before = 'function f() {\n  return 1;\n}\n';
    const after = '// a comment\n\nasync function f() {\n  return 2;\n}\n';
    const [fn, ...rest] = patchFunctions(compareVersions('x.js', before, after));
    assert.deepEqual(rest, []);
    // Positions and flags describe the baseline: that is what V8 runs and what is on the stack.
    // Becoming async changes the first token, so V8 may leave existing closures on old code.
    assert.deepEqual(fn, {
      name: 'f',
      oldStart: { line: 0, column: 0 },
      oldEnd: { line: 2, column: 1 },
      newStart: { line: 2, column: 0 },
      newEnd: { line: 4, column: 1 },
      isAsync: false,
      isGenerator: false,
      closureRisk: 'the edit touches its first or last token',
      group: 0,
    });
  });

  it('groups changed functions that must be applied together: nested ones, and a new signature with its users', () => {
    const before = [
      'function area(w, h) { return w * h; }',
      'function report(shape) { return area(shape.w, shape.h); }',
      'function log(x) { console.log(x); }',
      'function outer() { const inner = () => 1; return inner(); }',
      'class Box { size(a) { return a; } show() { return this.size(1); } }',
    ].join('\n');
    const after = [
      'function area(w, h, d) { return w * h * d; }',
      'function report(shape) { return area(shape.w, shape.h, shape.d); }',
      'function log(x) { console.log("log", x); }',
      'function outer() { const inner = () => 2; return inner() + 1; }',
      'class Box { size(a, b) { return a + b; } show() { return this.size(1, 2); } }',
    ].join('\n');
    const fns = patchFunctions(compareVersions('x.js', before, after));
    const group = (name: string) => fns.find((f) => f.name === name)!.group;
    assert.equal(group('area'), group('report'), 'a new parameter list goes with its callers');
    assert.equal(group('outer'), group('inner'), 'a nested function goes with its changed parent');
    assert.equal(group('Box.size'), group('Box.show'), 'a method is named by its member name');
    const distinct = new Set([group('area'), group('log'), group('outer'), group('Box.size')]);
    assert.equal(distinct.size, 4, 'unrelated changes stay apart: ' + JSON.stringify(fns.map((f) => [f.name, f.group])));
  });

  it('lists removed functions after changed ones', () => {
    const before = 'function f() {\n  return 1;\n}\nfunction* g() {\n  yield 1;\n}\n';
    const after = 'function f() {\n  return 2;\n}\n';
    assert.deepEqual(
      patchFunctions(compareVersions('x.js', before, after)).map((p) => [p.name, p.oldStart.line, p.isGenerator]),
      [
        ['f', 0, false],
        ['g', 3, true],
      ],
    );
  });

  it('is empty when no function changed', () => {
    assert.deepEqual(patchFunctions(compareVersions('x.js', 'let a = 1;\n', 'let a = 2;\n')), []);
  });
});

describe('analysis: collectFunctions', () => {
  const file = fixture('counter-js', 'main.js');
  const collected = collectFunctions(file, fs.readFileSync(file, 'utf8'));
  const byPath = new Map(collected.functions.map((f) => [f.path, f]));

  it('finds every function of the fixture in file order, by path', () => {
    assert.deepEqual(
      collected.functions.map((f) => [f.path, f.kind]),
      [
        ['f', 'function'],
        ['makeGreeter', 'function'],
        ['makeGreeter/<arrow>', 'arrow'],
        ['spin', 'function'],
        ['globalThis.fixture{}/get counter', 'getter'],
        ['<arrow in setInterval>', 'arrow'],
      ],
    );
    assert.deepEqual(collected.syntaxErrors, []);
  });

  it('puts the name range on the declared name (what diagnostics underline)', () => {
    const f = byPath.get('f')!;
    assert.deepEqual([f.start, f.end], [{ line: 3, column: 0 }, { line: 5, column: 1 }]);
    assert.deepEqual([f.nameStart, f.nameEnd], [{ line: 3, column: 9 }, { line: 3, column: 10 }]);
  });

  it('puts the name range of an anonymous arrow on its =>', () => {
    const arrow = byPath.get('makeGreeter/<arrow>')!;
    assert.deepEqual([arrow.nameStart, arrow.nameEnd], [{ line: 8, column: 12 }, { line: 8, column: 14 }]);
  });

  it("blanks nested functions out of a function's own text and out of the top-level text", () => {
    assert.equal(byPath.get('makeGreeter')!.ownText, 'function makeGreeter(name) {\n  return <function>;\n}');
    assert.match(collected.topLevelText, /const greetAda = makeGreeter \( 'Ada' \) ;/);
    assert.match(collected.topLevelText, /setInterval \( < function > , 50 \) ;/);
    assert.doesNotMatch(collected.topLevelText, /return 'v1'/);
  });

  it("names anonymous functions as VS Code's outline does (TypeScript's navigation tree), numbered among siblings", () => {
    const text = [
      "todos.get('/', (req, res) => res.json(all));",
      "todos.get('/:id', function (req, res) {",
      '  setTimeout(() => {}, 1);',
      '  setTimeout(() => {}, 2);',
      '  return () => 1;',
      '});',
      'app.use((req) => req);',
      'run(() => 1, `x`);',
      '(function () {})();',
    ].join('\n');
    assert.deepEqual(
      collectFunctions('x.js', text).functions.map((f) => f.displayName),
      [
        "todos.get('/') callback",
        "todos.get('/:id') callback",
        'setTimeout() callback',
        'setTimeout() callback (2)',
        "todos.get('/:id') callback › <function>",
        'app.use() callback',
        'run(`x`) callback',
        '<function>',
      ],
    );
  });

  it('records async, generator and kind flags', () => {
    const { functions } = collectFunctions('x.js', 'const h = async function* () {};\nclass A {\n  set x(v) {}\n  static async m() {}\n}\n');
    assert.deepEqual(
      functions.map((f) => [f.path, f.displayName, f.kind, f.isAsync, f.isGenerator]),
      [
        ['h', 'h', 'function-expression', true, true],
        ['A{}/set x', 'set A.x', 'setter', false, false],
        ['A{}/static m', 'static A.m', 'method', true, false],
      ],
    );
  });

  it('locates a syntax error', () => {
    const { syntaxErrors } = collectFunctions('x.js', 'function f() {\n  return 1 +;\n}\n');
    assert.equal(syntaxErrors.length, 1);
    assert.deepEqual([syntaxErrors[0]!.start, syntaxErrors[0]!.end], [{ line: 1, column: 12 }, { line: 1, column: 13 }]);
    assert.match(syntaxErrors[0]!.message, /expected/i);
  });

  it("takes sloppy-mode octal escapes and literals for what Node runs, not syntax errors, unless the code is strict (ini 1.0.3)", () => {
    const sloppy = "function dotSplit(str) {\n  return str.replace(/\\1/g, '\\2LITERAL\\\\1LITERAL\\2') + 010;\n}\n";
    assert.deepEqual(collectFunctions('ini.js', sloppy).syntaxErrors, []);
    assert.deepEqual(collectFunctions('ini.cjs', sloppy).syntaxErrors, []);
    // Strict code rejects them, as Node does: a file's or a function's 'use strict', a class, an ES module, TypeScript.
    assert.equal(collectFunctions('ini.js', `'use strict';\n${sloppy}`).syntaxErrors.length, 3);
    assert.equal(collectFunctions('ini.js', sloppy.replace('{\n', "{\n  'use strict';\n")).syntaxErrors.length, 3);
    assert.equal(collectFunctions('ini.js', `class C { m(str) { ${sloppy.split('\n')[1]} } }\n`).syntaxErrors.length, 3);
    assert.equal(collectFunctions('ini.js', `export ${sloppy}`).syntaxErrors.length, 3);
    assert.equal(collectFunctions('ini.ts', sloppy).syntaxErrors.length, 3);
    // Any other error stays one.
    assert.equal(collectFunctions('ini.js', sloppy.replace('+ 010', '+ 010 +')).syntaxErrors.length, 1);
  });

  it('skips TypeScript declarations without a body', () => {
    const { functions } = collectFunctions('x.ts', 'declare function d(): void;\nabstract class A {\n  abstract m(): void;\n  n(): void {}\n}\n');
    assert.deepEqual(functions.map((f) => f.path), ['A{}/n']);
  });
});
