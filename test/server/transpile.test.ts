// TypeScript's transform with kept lines (common/transpile.ts), and how a file's running text is
// chosen (common/runningText.ts): every statement on its source line, literals intact, the code
// meaning what tsc's output means.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { hasDecorators, moduleFormat, toRunningText } from '../../common/runningText';
import { decodeMappings, transpileKeepingLines, type ModuleFormat } from '../../common/transpile';
import { serverCompilers } from '../../server/src/core/savedText';

function transpile(source: string, format: ModuleFormat = 'commonjs', compilerOptions: Record<string, unknown> = {}, file = '/project/src/a.ts') {
  return transpileKeepingLines(ts, { source, file, format, compilerOptions, configDir: '/project' });
}

/** The 0-based line of the first occurrence of `text`. */
const lineOf = (code: string, text: string): number => {
  const at = code.indexOf(text);
  assert.ok(at >= 0, `${JSON.stringify(text)} is not in:\n${code}`);
  return code.slice(0, at).split('\n').length - 1;
};

/** Runs CommonJS code with a fake `require`, returning its exports. */
function runCommonJs(code: string, modules: Record<string, unknown> = {}): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  vm.runInNewContext(`(function (exports, require, module) {${code}\n})`)(module.exports, (name: string) => modules[name], module);
  return module.exports;
}

describe('transform with kept lines', () => {
  it('puts every function and statement on its source line, in a CommonJS file written with import/export', () => {
    const source = [
      "import express from 'express';",
      "import { routes } from './routes';",
      '',
      'export function greet(name: string): string {',
      '  return `hello ${name}`;',
      '}',
      '',
      'const app = express();',
      "app.get('/', (_req, res) => res.send(routes.hello()));",
      'export default app;',
      '',
    ].join('\n');
    const { code } = transpile(source);
    const sourceLines = source.split('\n');
    for (const text of ['function greet(name)', 'return `hello ${name}`;', 'const app = (0, express_1.default)();', "app.get('/'"]) {
      const original = sourceLines.findIndex((l) => l.includes(text.slice(0, 12)));
      assert.equal(lineOf(code, text), original, `${text} moved`);
    }
    assert.ok(code.split('\n').length <= sourceLines.length + 1, 'no line is added');
    const exported = runCommonJs(code, { express: Object.assign(() => ({ get: () => undefined }), {}), './routes': { routes: {} } });
    assert.equal((exported.greet as (n: string) => string)('x'), 'hello x');
    assert.equal(typeof exported.default, 'object');
  });

  it('keeps a template literal that spans lines as it is', () => {
    const source = 'export function page(): string {\n  return `<p>\n  one\n</p>`;\n}\nexport const after = 1;\n';
    const { code } = transpile(source);
    assert.equal(lineOf(code, 'function page()'), 0);
    assert.ok(code.includes('`<p>\n  one\n</p>`'), code);
    assert.equal(lineOf(code, 'exports.after = 1'), 5);
    assert.equal((runCommonJs(code).page as () => string)(), '<p>\n  one\n</p>');
  });

  it('emits decorator metadata as tsc does, methods on their lines', () => {
    const source = [
      "import { Injectable } from './di';",
      "import { Repo } from './repo';",
      '',
      '@Injectable()',
      'export class Service {',
      '  constructor(private readonly repo: Repo) {}',
      '',
      '  find(id: number): string {',
      '    return this.repo.get(id);',
      '  }',
      '}',
      '',
    ].join('\n');
    const { code } = transpile(source, 'commonjs', { experimentalDecorators: true, emitDecoratorMetadata: true, target: 'es2021' });
    // One file alone: tsc's isolated form, which still names the class when it is one.
    assert.match(code, /__metadata\("design:paramtypes", \[typeof \(_a = typeof repo_1\.Repo !== "undefined" && repo_1\.Repo\) === "function" \? _a : Object\]\)/);
    assert.equal(lineOf(code, 'find(id)'), 7);
    assert.equal(lineOf(code, 'return this.repo.get(id);'), 8);
    const recorded: unknown[] = [];
    const Reflect = { ...globalThis.Reflect, metadata: (k: string, v: unknown) => () => recorded.push([k, v]), decorate: undefined };
    class RepoClass {}
    vm.runInNewContext(`(function (exports, require, module) {${code}\n})`, { Reflect })({}, (name: string) => (name === './repo' ? { Repo: RepoClass } : { Injectable: () => () => undefined }), { exports: {} });
    const paramTypes = recorded.find((r) => (r as unknown[])[0] === 'design:paramtypes') as [string, unknown[]] | undefined;
    assert.equal(paramTypes?.[1].length, 1);
    assert.equal(paramTypes?.[1][0], RepoClass);
  });

  it('keeps an ES module an ES module, enums and namespaces on their lines', () => {
    const source = 'export enum Level {\n  Low = 1,\n  High,\n}\n\nexport function level(): Level {\n  return Level.High;\n}\n';
    const { code } = transpile(source, 'module');
    assert.match(code, /^export var Level;/m);
    assert.equal(lineOf(code, 'export function level()'), 5);
  });

  it('turns JSX into calls with the project jsx setting', () => {
    const source = 'export function App({ name }: { name: string }) {\n  return <p className="x">hello {name}</p>;\n}\n';
    const automatic = transpile(source, 'module', { jsx: 'react-jsx' }, '/project/src/App.tsx').code;
    assert.match(automatic, /from "react\/jsx-runtime"/);
    assert.equal(lineOf(automatic, 'return _jsxs("p"'), 1);
    const classic = transpile(source, 'module', {}, '/project/src/App.tsx').code;
    assert.match(classic, /React\.createElement\("p"/);
  });

  it('maps positions back to the source file', () => {
    const source = "import { a } from './helpers';\n\nexport function greet(name: string): string {\n  return a(name);\n}\n";
    const result = transpile(source);
    const at = result.code.indexOf('(0, helpers_1.a)');
    const line = result.code.slice(0, at).split('\n').length - 1;
    const column = at - result.code.lastIndexOf('\n', at - 1) - 1;
    assert.deepEqual(result.toSource({ line, column }), { line: 3, column: 9 });
  });

  it('reports a syntax error with its place', () => {
    assert.throws(() => transpile('export function f( {\n'), /\(\/project\/src\/a\.ts:\d+:\d+\)/);
  });

  it('decodes source map mappings', () => {
    assert.deepEqual(decodeMappings('AAAA,EAAE;;AACA'), [[[0, 0, 0], [2, 0, 2]], [], [[0, 1, 2]]]);
  });
});

describe('which running text a file gets', () => {
  const project = (files: Record<string, string>): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-format-'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
  };

  it('decides CommonJS or ES module as Node, tsx and the project do', () => {
    const esm = "import { a } from './a';\nexport const b = a;\n";
    const dir = project({
      'commonjs/package.json': '{"type":"commonjs"}',
      'module/package.json': '{"type":"module"}',
      'none/package.json': '{}',
      'nest/package.json': '{}',
      'nest/tsconfig.json': '{\n  // as nest new writes it\n  "compilerOptions": { "module": "commonjs", },\n}',
    });
    assert.equal(moduleFormat(path.join(dir, 'commonjs/a.ts'), esm), 'commonjs');
    assert.equal(moduleFormat(path.join(dir, 'module/a.ts'), esm), 'module');
    assert.equal(moduleFormat(path.join(dir, 'module/a.cts'), esm), 'commonjs');
    assert.equal(moduleFormat(path.join(dir, 'none/a.ts'), esm), 'module');
    assert.equal(moduleFormat(path.join(dir, 'none/a.ts'), esm + 'console.log(__dirname);\n'), 'commonjs');
    assert.equal(moduleFormat(path.join(dir, 'none/a.ts'), "import x = require('x');\n"), 'commonjs');
    assert.equal(moduleFormat(path.join(dir, 'nest/src/a.ts'), esm), 'commonjs');
    assert.equal(moduleFormat(path.join(dir, 'nest/src/a.ts'), esm + 'console.log(import.meta.url);\n'), 'module');
    assert.equal(moduleFormat(path.join(dir, 'none/a.js'), esm), undefined, "Node's own detection decides a typeless .js");
  });

  it('blanks what it can (positions exact) and transforms the rest (lines kept)', () => {
    const dir = project({ 'package.json': '{"type":"module"}', 'cjs/package.json': '{"type":"commonjs"}' });
    const blanked = toRunningText('export function f(a: number): number {\n  return a;\n}\n', path.join(dir, 'a.ts'), serverCompilers);
    assert.equal(blanked.positionExact, true);
    assert.ok(blanked.code.startsWith('export function f(a        )         {\n  return a;\n}\n'));
    const decorated = toRunningText('@sealed\nexport class A {}\n', path.join(dir, 'b.ts'), serverCompilers);
    assert.equal(decorated.positionExact, false);
    assert.doesNotMatch(decorated.code, /^@sealed/m);
    const commonJs = toRunningText("import { x } from './x';\nexport const y = x;\n", path.join(dir, 'cjs', 'c.ts'), serverCompilers);
    assert.equal(commonJs.positionExact, false);
    assert.match(commonJs.code, /require\("\.\/x"\)/);
  });

  it('tells decorators from JSDoc tags, comments and strings', () => {
    assert.equal(hasDecorators('@Injectable()\nexport class A {}'), true);
    assert.equal(hasDecorators('class A {\n  constructor(@Inject(X) x) {}\n}'), true);
    assert.equal(hasDecorators('export @sealed class A {}'), true);
    assert.equal(hasDecorators('/**\n * @param x the thing\n * @returns it\n */\nfunction f(x) { return x; }'), false);
    assert.equal(hasDecorators('// @ts-ignore\nconst a = "mail me at a@b.c or @someone";'), false);
  });
});
