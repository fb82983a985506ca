// Load scopes in the running text (common/loadScopes.ts): which function bodies get an accessor,
// where it goes, and that the running text keeps every line of the file (issue 20, shape A).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadScopes } from '../../common/loadScopes';
import { isScopeAccessorText, toRunningText, withAccessorForm, type Compilers } from '../../common/runningText';

const NO_COMPILERS: Compilers = {
  strip: () => {
    throw new Error('no TypeScript here');
  },
  transpile: () => {
    throw new Error('no TypeScript here');
  },
};
const FILE = '/tmp/lu-load-scopes/lib.js';
const running = (source: string): string => toRunningText(source, FILE, NO_COMPILERS).code;
/** The bodies that get an accessor, by the first statement after it. */
const scoped = (source: string): string[] => loadScopes(source).map((s) => source.slice(s.insertAt).trimStart().split(';')[0]!);

describe('load scopes: the functions a module runs once at load', () => {
  it('finds an IIFE, its variants and a UMD factory, and nothing that runs later', () => {
    assert.deepEqual(scoped(';(function () { var a = 1; })();'), ['var a = 1']);
    assert.deepEqual(scoped('!function () { var b = 2; }();'), ['var b = 2']);
    assert.deepEqual(scoped('(function () { var c = 3; }).call(this);'), ['var c = 3']);
    assert.deepEqual(scoped('(() => { var d = 4; })();'), ['var d = 4']);
    // A UMD wrapper and the factory it is given.
    assert.deepEqual(scoped('(function (root, factory) { factory(exports); }(this, function (lib) { lib.v = 1; }));'), ['factory(exports)', 'lib.v = 1']);
    // A declaration followed by parentheses is not called; callbacks and methods run later.
    assert.deepEqual(scoped('function f() { var e = 5; }\n(1);'), []);
    assert.deepEqual(scoped('setTimeout(function () { var g = 7; });'), []);
    assert.deepEqual(scoped('var o = { m() { return 1; } };'), []);
    // Inside a load scope, an IIFE is one too; inside another function it is not.
    assert.deepEqual(scoped('function later() { (function () { var h = 8; })(); }'), []);
  });

  it("puts the accessor after the body's directives, so strict mode stays", () => {
    const text = running(";(function () {\n  'use strict';\n  var rules = 1;\n})();\n");
    const line = text.split('\n')[1]!;
    assert.match(line, /^ {2}'use strict';;globalThis\[Symbol\.for\("liveUpdate\.scope"\)\]\?\.\("\/tmp\/lu-load-scopes\/lib\.js", \(code\) => eval\(code\), 1, 1\);$/);
  });

  it('keeps every line where it is, and turns a wrapper body\'s `const` into `let \\t`', () => {
    const source = ";(function () {\n  'use strict';\n  const table = { a: 1 };\n  function f() { const local = 2; return local; }\n  module.exports = f;\n})();\n";
    const text = running(source);
    const own = text.slice(0, text.indexOf('\n;globalThis'));
    assert.equal(own.split('\n').length, source.split('\n').length);
    assert.equal(own.split('\n')[2], '  let \t table = { a: 1 };');
    // Not a function's own locals.
    assert.equal(own.split('\n')[3], '  function f() { const local = 2; return local; }');
  });

  it('changes every accessor with the module\'s: each LiveEdit gives V8 fresh ones (Node 24)', () => {
    const text = running('(function (root, factory) { factory(exports); }(this, function (lib) { lib.v = 1; }));\n');
    const other = withAccessorForm(text, FILE, 1);
    assert.equal(other.length, text.length);
    assert.equal(other.split('(c$de) => eval(c$de)').length - 1, 3, 'the module accessor and both load scopes');
    assert.equal(withAccessorForm(other, FILE, 0), text);
    assert.ok(isScopeAccessorText('(c$de) => eval(c$de)'));
  });

  it('gives up (no accessor) when the scan is unsure of the text', () => {
    assert.deepEqual(loadScopes(';(function () { var s = "unterminated; })();'), []);
  });
});
