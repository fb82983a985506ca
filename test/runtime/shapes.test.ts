// The shapes of issue 20 ("Applied" means it), each a program saved from v1 to v2 through the update
// engine (test/support/freshOrLive.ts) and compared with a fresh start of v2. Each was silent on the
// engine before: reported applied while the program answered otherwise. Now each is either handled
// (the live program answers as a fresh start, and the update says applied) or honest (the update
// says partial or not applied, with a warning or an error on what still runs old).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshOrLive, type LiveOutcome } from '../support/freshOrLive';

function said(outcome: LiveOutcome): string {
  return outcome.saves.map((s) => `${s.file}: ${s.report.outcome} (${s.report.summary}) ${s.diagnostics.filter((d) => d.severity !== 'hint').map((d) => `[${d.code} ${d.severity}] ${d.message}`).join(' ')}`).join('; ');
}

/** Handled: answers as a fresh start, and every save says applied. */
function assertFresh(outcome: LiveOutcome): void {
  assert.deepEqual(outcome.live, outcome.fresh, `the live program answers otherwise than a fresh start; the engine said: ${said(outcome)}`);
  for (const save of outcome.saves) assert.equal(save.report.outcome, 'applied', `${save.file}: ${save.report.summary} -- ${said(outcome)}`);
}

/** Not silent: where the live program answers otherwise than a fresh start, some save said so, with a warning or an error. */
function assertHonest(outcome: LiveOutcome): void {
  if (JSON.stringify(outcome.live) === JSON.stringify(outcome.fresh)) return;
  const told = outcome.saves.filter((s) => s.report.outcome !== 'applied' && s.diagnostics.some((d) => d.severity === 'warning' || d.severity === 'error'));
  assert.ok(told.length > 0, `silent: live ${JSON.stringify(outcome.live)} vs fresh ${JSON.stringify(outcome.fresh)}; the engine said: ${said(outcome)}`);
}

const main = (lib: string) => `const lib = require('./${lib}');\nglobalThis.lib = lib;\n`;

describe('shapes of real code, updated as a fresh start would run them (issue 20)', () => {
  it('A: definitions inside a load-time wrapper (IIFE): run again in its scope, applied', async () => {
    const v1 = `;(function () {
  'use strict';
  var rules = { word: /^[a-z]+/ };
  var defaults = { open: '<', close: '>' };
  function Renderer() {}
  Renderer.prototype.wrap = function (s) { return defaults.open + s + defaults.close; };
  function render(src) { var m = rules.word.exec(src); return m ? new Renderer().wrap(m[0]) : ''; }
  module.exports = render;
})();
`;
    const v2 = `;(function () {
  'use strict';
  var rules = { word: /^[a-z0-9]+/ };
  var defaults = { open: '[', close: ']' };
  function Renderer() {}
  Renderer.prototype.wrap = function (s) { return defaults.open + this.text(s) + defaults.close; };
  Renderer.prototype.text = function (s) { return s.toUpperCase(); };
  function render(src) { var m = rules.word.exec(src); return m ? new Renderer().wrap(m[0]) : ''; }
  module.exports = render;
})();
`;
    assertFresh(await freshOrLive({ 'main.js': main('render.js'), 'render.js': v1 }, { 'render.js': v2 }, "[lib('abc1'), lib('x')]"));
  });

  it('A: a UMD wrapper and the factory it calls: the factory\'s changed definitions run again, applied', async () => {
    const umd = (version: string, extra: string) => `(function (root, factory) {
  if (typeof exports === 'object' && exports) factory(exports);
  else factory(root.lib = {});
}(this, function (lib) {
  var tags = ['{{', '}}'];
  lib.version = '${version}';${extra}
  lib.wrap = function (s) { return tags[0] + s + tags[1]; };
}));
`;
    assertFresh(await freshOrLive({ 'main.js': main('umd.js'), 'umd.js': umd('1.0.0', '') }, { 'umd.js': umd('1.1.0', "\n  lib.name = 'umd.js';") }, '[lib.version, lib.name, lib.wrap("x")]'));
  });

  it('A: saved again and again, the factory\'s scope is reached each time (a change outside it in between)', async () => {
    const umd = (version: string, open: string, outside: string) => `${outside}(function (root, factory) {
  if (typeof exports === 'object' && exports) factory(exports);
}(this, function (lib) {
  var tags = ['${open}', '}}'];
  lib.version = '${version}';
  lib.wrap = function (s) { return tags[0] + s + tags[1]; };
}));
`;
    const saves = [{ 'umd.js': umd('1.1.0', '{{', '') }, { 'umd.js': umd('1.1.0', '{{', 'var unused = 1;\n') }, { 'umd.js': umd('1.2.0', '<%', 'var unused = 1;\n') }];
    assertFresh(await freshOrLive({ 'main.js': main('umd.js'), 'umd.js': umd('1.0.0', '{{', '') }, saves, '[lib.version, lib.wrap("x")]'));
  });

  it('A: a wrapper whose changed statements are not all definitions: those run again, the rest said to stay as loaded', async () => {
    const wrapped = (greeting: string, value: number) => `;(function () {
  var greeting = '${greeting}';
  var registry = {};
  register('a', ${value});
  function register(k, v) { registry[k] = v; }
  module.exports = function () { return greeting + ' ' + registry.a; };
})();
`;
    const outcome = await freshOrLive({ 'main.js': main('wrapped.js'), 'wrapped.js': wrapped('hello', 1) }, { 'wrapped.js': wrapped('hi', 2) }, 'lib()');
    assertHonest(outcome);
    // The definition ran again in the wrapper's scope; the call that fills the registry did not.
    assert.equal(outcome.live, 'hi 1');
    const warning = outcome.saves[0]!.diagnostics.find((d) => d.severity === 'warning' && d.code === 'LU009');
    assert.match(warning?.message ?? '', /`call register`/, said(outcome));
  });

  it('A: the object literal a UMD factory builds and returns, changed: rebuilt in place (the exported object gets it), applied', async () => {
    // mustache's shape: `var mustache = { version: …, render: undefined, … }`, filled after, returned.
    const umd = (members: string, fills: string) => `(function (global, factory) {
  typeof exports === 'object' && typeof module !== 'undefined' ? module.exports = factory() : (global.Lib = factory());
}(this, (function () { 'use strict';
  var lib = {
${members}
    render: undefined,
    get twice () { return lib.version + lib.version; }
  };
  lib.render = function render (s) { return lib.tags[0] + s + lib.tags[1]; };${fills}
  return lib;
})));
`;
    const v1 = umd("    name: 'lib',\n    version: '1.0.0',\n    tags: ['{{', '}}'],", "\n  lib.old = function () { return 'old'; };");
    const v2 = umd("    version: '1.1.0',\n    tags: ['<%', '%>'],\n    escape: undefined,", "\n  lib.escape = function (s) { return s.replace(/</g, '&lt;'); };");
    const probe = "[lib.version, lib.twice, lib.render('x'), 'name' in lib, typeof lib.old, lib.escape ? lib.escape('<a') : 'no escape', Object.keys(lib).sort()]";
    assertFresh(await freshOrLive({ 'main.js': main('umd.js'), 'umd.js': v1 }, { 'umd.js': v2 }, probe));
  });

  it('E: an object literal the module exports and an importer holds, changed: rebuilt in place, applied', async () => {
    const v1 = `var config = { greeting: 'hello', punctuation: '!' };
exports.config = config;
exports.greet = function (name) { return config.greeting + ' ' + name + config.punctuation; };
`;
    const v2 = v1.replace("greeting: 'hello'", "greeting: 'hi', lang: 'en'");
    const held = `${main('config.js')}globalThis.held = require('./config.js').config;\n`;
    assertFresh(await freshOrLive({ 'main.js': held, 'config.js': v1 }, { 'config.js': v2 }, "[lib.greet('ann'), globalThis.held.greeting, globalThis.held.lang, globalThis.held === lib.config]"));
  });

  it('E: a prototype given by an object literal (`Diff.prototype = { … }`, as Babel and older libraries write) gains a method its changed code calls: rebuilt in place, so an instance made at load has it, applied', async () => {
    // npm `diff` 3.0.1 → 3.1.0: silent before (the new prototype object went to `Diff.prototype`,
    // the instance made at load kept the old one: "this.join is not a function").
    const v1 = `'use strict';
function Diff() {}
Diff.prototype = {
  run: function (s) { return s.split('').join(''); },
  old: function () { return 'old'; },
};
exports.inst = new Diff();
exports.run = function (s) { return exports.inst.run(s); };
`;
    const v2 = v1.replace("run: function (s) { return s.split('').join(''); },\n  old: function () { return 'old'; },", "run: function (s) { return this.join(s.split('')); },\n  join: function (c) { return c.join('-'); },");
    assert.notEqual(v2, v1);
    assertFresh(await freshOrLive({ 'main.js': main('diff.js'), 'diff.js': v1 }, { 'diff.js': v2 }, "[lib.run('ab'), typeof lib.inst.old, typeof lib.inst.join]"));
  });

  it('E: an object rebuilt in place that a call at load read: said to stay as loaded', async () => {
    const v1 = `var defaults = { size: 1 };
var copy = Object.assign({}, defaults);
function extend(o) { o.extra = o.size * 10; }
extend(defaults);
exports.read = function () { return [defaults.size, defaults.extra, copy.size]; };
`;
    const outcome = await freshOrLive({ 'main.js': main('defaults.js'), 'defaults.js': v1 }, { 'defaults.js': v1.replace('size: 1', 'size: 2') }, 'lib.read()');
    assert.notDeepEqual(outcome.live, outcome.fresh, 'the shape must differ from a fresh start to test anything');
    assertHonest(outcome);
  });

  it('B: tables built by chained assignments and a counter, and the table derived by a loop: run again as a sequence', async () => {
    const v1 = `var src = exports.src = [], re = exports.re = [], R = 0;
var NUM = R++;  src[NUM] = '\\\\d+';
var WORD = R++; src[WORD] = '[a-z]+';
for (var i = 0; i < R; i++) { if (!re[i]) re[i] = new RegExp('^(?:' + src[i] + ')$'); }
exports.isWord = function (s) { return re[WORD].test(s); };
`;
    const v2 = `var src = exports.src = [], re = exports.re = [], R = 0;
var NUM = R++;  src[NUM] = '\\\\d+';
var WORD = R++; src[WORD] = '[a-zA-Z]+';
var HEX = R++;  src[HEX] = '0x[0-9a-f]+';
for (var i = 0; i < R; i++) { if (!re[i]) re[i] = new RegExp('^(?:' + src[i] + ')$'); }
exports.isWord = function (s) { return re[WORD].test(s); };
exports.isHex = function (s) { return re[HEX].test(s); };
`;
    assertFresh(await freshOrLive({ 'main.js': main('re.js'), 're.js': v1 }, { 're.js': v2 }, "[lib.isWord('AbC'), lib.isWord('12'), lib.isHex && lib.isHex('0x1f'), lib.src.length, lib.re.length]"));
  });

  it('F: a rebuilt exports table keeps the members code not run again put there', async () => {
    const v1 = `var api = {};
api.names = { hello: 'Hello' };
var handlers = api.handlers = {};
api.on = function (name, fn) { handlers[name] = fn; };
module.exports = api;
`;
    const main2 = `${main('api.js')}lib.on('hello', (n) => n + '!');
`;
    const probe = "[lib.names.hello, typeof lib.handlers, lib.handlers.hello ? lib.handlers.hello(lib.names.hello) : 'no handler']";
    const outcome = await freshOrLive({ 'main.js': main2, 'api.js': v1 }, { 'api.js': v1.replace("'Hello'", "'Hi'") }, probe);
    assertFresh(outcome);
  });

  it('E: an object built at load by `new`, when what its constructor runs changed: said to keep its old layout', async () => {
    const v1 = `function index(items) { const byName = {}; for (const it of items) byName[it.name] = it; return byName; }
class Registry {
  constructor(items) { this.table = index(items); }
  get(name) { return this.table[name]; }
}
const items = [{ name: 'a', v: 1 }, { name: 'b', v: 2 }];
const DEFAULT = new Registry(items);
exports.lookup = (name) => DEFAULT.get(name).v;
exports.registry = DEFAULT;
`;
    const v2 = v1
      .replace('const byName = {}; for (const it of items) byName[it.name] = it;', 'const byName = new Map(); for (const it of items) byName.set(it.name, it);')
      .replace('return this.table[name];', 'return this.table.get(name);');
    const held = `${main('registry.js')}globalThis.heldAtLoad = lib.registry;\n`;
    assertHonest(await freshOrLive({ 'main.js': held, 'registry.js': v1 }, { 'registry.js': v2 }, "[lib.lookup('a'), lib.lookup('b'), globalThis.heldAtLoad === lib.registry, lib.registry.table instanceof Map]"));
  });

  it('C: the same new top-level name added by two modules with the same value: one binding to both, as a fresh start behaves', async () => {
    const lib = (name: string, extra: string) => `${extra}function ${name}(o, k) { return ${extra ? "'v2 ' + has.call(o, k)" : 'Object.prototype.hasOwnProperty.call(o, k)'}; }\nexports.${name} = ${name};\n`;
    const v1 = { 'main.js': "const a = require('./a.js');\nconst b = require('./b.js');\nglobalThis.lib = { a, b };\n", 'a.js': lib('owns', ''), 'b.js': lib('holds', '') };
    const v2 = { 'a.js': lib('owns', 'var has = Object.prototype.hasOwnProperty;\n'), 'b.js': lib('holds', 'var has = Object.prototype.hasOwnProperty;\n') };
    assertFresh(await freshOrLive(v1, v2, "[lib.a.owns({ x: 1 }, 'x'), lib.a.owns({}, 'x'), lib.b.holds({ y: 1 }, 'y')]"));
  });

  it('C: the same new top-level name added by two modules with other values: not silent', async () => {
    const a = (extra: string) => `${extra}exports.owns = function (o, k) { return ${extra ? 'has.call(o, k)' : 'Object.prototype.hasOwnProperty.call(o, k)'}; };\n`;
    const b = (extra: string) => `${extra}exports.label = function (s) { return ${extra ? 'has + s' : "'b:' + s"}; };\n`;
    const v1 = { 'main.js': "const a = require('./a.js');\nconst b = require('./b.js');\nglobalThis.lib = { a, b };\n", 'a.js': a(''), 'b.js': b('') };
    const v2 = { 'a.js': a('var has = Object.prototype.hasOwnProperty;\n'), 'b.js': b("var has = 'b:';\n") };
    assertHonest(await freshOrLive(v1, v2, "[lib.a.owns({ x: 1 }, 'x'), lib.a.owns({}, 'x'), lib.b.label('z')]"));
  });

  it('B: only an entry of a table changed, the table derived from it by a loop at load: said to stay as loaded', async () => {
    const v1 = `var src = [], re = [];
src[0] = '\\\\d+';
src[1] = '[a-z]+';
for (var i = 0; i < src.length; i++) re[i] = new RegExp('^(?:' + src[i] + ')$');
exports.isWord = function (s) { return re[1].test(s); };
`;
    const outcome = await freshOrLive({ 'main.js': main('re.js'), 're.js': v1 }, { 're.js': v1.replace("'[a-z]+'", "'[a-zA-Z]+'") }, "[lib.isWord('AbC'), lib.isWord('abc')]");
    assertHonest(outcome);
  });

  it('a function the module ran once at load changed: said to have run with the old code', async () => {
    const v1 = `const routes = {};
function setup() { routes.hello = () => 'hello'; }
setup();
exports.call = (name) => (routes[name] ? routes[name]() : 'no route ' + name);
`;
    const v2 = v1.replace("routes.hello = () => 'hello';", "routes.hello = () => 'hello'; routes.bye = () => 'bye';");
    const outcome = await freshOrLive({ 'main.js': main('routes.js'), 'routes.js': v1 }, { 'routes.js': v2 }, "[lib.call('hello'), lib.call('bye')]");
    assert.notDeepEqual(outcome.live, outcome.fresh, 'the shape must differ from a fresh start to test anything');
    assertHonest(outcome);
  });

  it('an edit of a handler the module only registers at load stays applied (no false partial)', async () => {
    const v1 = `const handlers = [];
function on(fn) { handlers.push(fn); }
function greet(name) { return 'hello ' + name; }
on(greet);
exports.run = (name) => handlers.map((h) => h(name));
`;
    assertFresh(await freshOrLive({ 'main.js': main('handlers.js'), 'handlers.js': v1 }, { 'handlers.js': v1.replace("'hello '", "'hi '") }, "lib.run('ann')"));
  });

  it('F: re-exports compiled to getters (`Object.defineProperty(exports, "a", { get })`), one added above the others: defined, the others keep theirs, applied', async () => {
    // npm diff 5.1.0 → 5.2.0 (Babel): the getters were told apart by their order, so the one added
    // above shifted every later getter onto its neighbour's name.
    const getter = (name: string) => `Object.defineProperty(exports, "${name}", {\n  enumerable: true,\n  get: function get() {\n    return _create.${name};\n  }\n});\n`;
    const index = (names: string[]) => `"use strict";\nObject.defineProperty(exports, "__esModule", {\n  value: true\n});\n${names.map(getter).join('')}var _create = require("./create");\n`;
    const create = (extra: string) => `exports.structured = (a, b) => [a, b];\nexports.twoFiles = (a, b) => a + '|' + b;\n${extra}`;
    const probe = "[lib.structured(1, 2), lib.twoFiles('a', 'b'), typeof lib.reverse === 'function' ? lib.reverse([1, 2]) : 'none', Object.keys(lib).sort()]"; // (an added property comes last: key order is not kept)
    assertFresh(
      await freshOrLive(
        { 'main.js': main('index.js'), 'index.js': index(['structured', 'twoFiles']), 'create.js': create('') },
        { 'create.js': create('exports.reverse = (p) => p.slice().reverse();\n'), 'index.js': index(['reverse', 'structured', 'twoFiles']) },
        probe,
      ),
    );
  });

  it('functions that became arrows (a declaration, an export, a concise body): what held them runs the new code, applied', async () => {
    // npm camelcase 4.1.0 → 5.0.0, ini 1.3.8 → 2.0.0: V8 takes an arrow for a new function, and the
    // importer's reference kept the old code (LU006). Now each takes the arrow's parameters and
    // body under its old head first.
    const v1 = `'use strict';
function split(str) {
  // split on dashes
  return str.split('-');
}
exports.camel = function (str) {
  return split(str).map((w, i) => (i ? w[0].toUpperCase() + w.slice(1) : w)).join('');
};
exports.twice = function twice(n) { return n * 2; };
`;
    const v2 = `'use strict';
const split = (input) => {
  // split on dashes, underscores and spaces: this is new
  return input.split(/[-_ ]/);
};
exports.camel = (input, options) => {
  const words = split(input).map((w, i) => (i || (options && options.pascal) ? w[0].toUpperCase() + w.slice(1) : w));
  return words.join('');
};
exports.twice = n => n * 3;
`;
    const held = `${main('camel.js')}globalThis.camel = lib.camel;\nglobalThis.twice = lib.twice;\n`;
    assertFresh(await freshOrLive({ 'main.js': held, 'camel.js': v1 }, { 'camel.js': v2 }, "[globalThis.camel('a-b_c d'), globalThis.camel('x-y', { pascal: true }), globalThis.twice(2), lib.camel('p-q')]"));
  });

  it('a function that became an arrow reading `this`: not run under its old head, said', async () => {
    const v1 = `exports.name = 'lib';\nexports.hello = function () { return 'hello'; };\n`;
    const v2 = `exports.name = 'lib';\nexports.hello = () => 'hello from ' + this.name;\n`;
    const held = `${main('hello.js')}globalThis.hello = lib.hello;\n`;
    assertHonest(await freshOrLive({ 'main.js': held, 'hello.js': v1 }, { 'hello.js': v2 }, "[globalThis.hello(), lib.hello()]"));
  });

  it('module.exports given another function (a new declaration, a renamed one): the function the importer holds forwards to it, through later saves too, applied', async () => {
    // npm bytes 1.0.0 → 2.1.0 and path-to-regexp 0.1.9 → 0.1.10: the importer kept the old
    // function (said, partial) before.
    const v1 = `module.exports = function (size) { return size + 'b'; };\n`;
    const v2 = (unit: string) => `module.exports = bytes;\nmodule.exports.unit = '${unit}';\nfunction bytes(size, options) { return size + (options && options.space ? ' ' : '') + module.exports.unit; }\n`;
    const probe = "[lib(5), lib(5, { space: true }), lib.unit, lib.length, globalThis.held(6)]";
    const held = `${main('bytes.js')}globalThis.held = require('./bytes.js');\n`;
    assertFresh(await freshOrLive({ 'main.js': held, 'bytes.js': v1 }, [{ 'bytes.js': v2('B') }, { 'bytes.js': v2('bytes').replace("' ' : ''", "' ' : '_'") }], probe));
    const r1 = `module.exports = pathtoRegexp;\nfunction pathtoRegexp(path) { return new RegExp('^' + path + '$'); }\n`;
    const r2 = `module.exports = pathToRegexp;\nfunction pathToRegexp(path, keys) { return new RegExp('^' + path.replace(/:\\w+/g, '([^/]+)') + '/?$', 'i'); }\n`;
    assertFresh(await freshOrLive({ 'main.js': held, 'bytes.js': r1 }, { 'bytes.js': r2 }, "[String(globalThis.held('/a/:id')), globalThis.held('/a/:id').test('/A/7/'), lib.length]"));
  });

  it('module.exports given another function that is async: not forwarded (a call would return otherwise), said', async () => {
    const v1 = `module.exports = function (size) { return size + 'b'; };\n`;
    const v2 = `module.exports = bytes;\nasync function bytes(size) { return size + 'B'; }\n`;
    assertHonest(await freshOrLive({ 'main.js': main('bytes.js'), 'bytes.js': v1 }, { 'bytes.js': v2 }, 'String(lib(5))'));
  });

  it('a class gains a method and a getter its changed code uses: added to the running class', async () => {
    const v1 = `class Range {
  constructor(raw) { this.raw = raw; this.format(); }
  format() { this.range = this.raw.trim(); return this.range; }
}
exports.valid = (raw) => new Range(raw).range;
`;
    const v2 = `class Range {
  constructor(raw) { this.raw = raw; this.format(); }
  format() { this.formatted = undefined; return this.range; }
  get range() { return this.formatted ?? this.clean(); }
  clean() { return this.raw.trim(); }
}
exports.valid = (raw) => new Range(raw).range;
`;
    assertFresh(await freshOrLive({ 'main.js': main('range.js'), 'range.js': v1 }, { 'range.js': v2 }, "String(lib.valid(' ~1.2 '))"));
  });

  it('an instance made before the save has the new method; a static and a subclass too; a later edit of it lands', async () => {
    const v = (extra: string, shout: string) => `class Base {
  hello() { return 'base'; }
}
class Greeter extends Base {
  constructor(name) { super(); this.name = name; }
  greet() { return 'hi ' + this.name; }${extra.replace('SHOUT', shout)}
}
const early = new Greeter('ann');
exports.early = early;
exports.Greeter = Greeter;
`;
    const extra = `
  shout() { return this.greet().toUpperCase() + '${'SHOUT'}' + super.hello(); }
  static make(name) { return new Greeter(name); }`;
    const probe = "[lib.early.shout ? lib.early.shout() : 'no shout', lib.Greeter.make ? lib.Greeter.make('bo').shout() : 'no make']";
    assertFresh(await freshOrLive({ 'main.js': main('greeter.js'), 'greeter.js': v('', '') }, [{ 'greeter.js': v(extra, '!') }, { 'greeter.js': v(extra, '?') }], probe));
  });

  it('an edit of a handler that main registers at load stays applied (no false partial)', async () => {
    const v1 = `let served = 0;
function handle(name) { served++; return 'v1 ' + name; }
const handlers = {};
function main() { handlers.greet = (name) => handle(name); }
main();
exports.call = (name) => handlers.greet(name);
`;
    assertFresh(await freshOrLive({ 'main.js': main('server.js'), 'server.js': v1 }, { 'server.js': v1.replace("'v1 '", "'v2 '") }, "lib.call('ann')"));
  });
});
