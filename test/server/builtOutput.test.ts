// Programs built by tsc: a saved .ts file is compiled alone with its project's options, and the
// result must be what tsc wrote to out/ byte for byte wherever the user changed nothing, because the
// update compares the running JavaScript function by function. References: the committed fixtures
// (built by the repository's tsc) and, for option variants, projects built here by the compiler
// API exactly as `tsc -p` builds them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import ts from 'typescript';
import { collectFunctions } from '../../server/src/analysis/functions';
import { decodeMappings, findBuiltOutput, sourcePosition, type BuiltOutput, type CompileResult } from '../../server/src/core/builtOutput';
import { fixture, repoRoot } from '../support/paths';

const read = (file: string) => fs.readFileSync(file, 'utf8');

function compiled(result: CompileResult): { code: string; map?: unknown } {
  if ('errors' in result) assert.fail(`expected code, got errors: ${JSON.stringify(result.errors)}`);
  return result;
}

function built(file: string): BuiltOutput {
  const output = findBuiltOutput(file);
  assert.ok(output, `${file} should have a built output`);
  return output;
}

/** Replaces exactly one occurrence, so a test cannot silently edit nothing. */
function replaceOnce(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `expected exactly one ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/** Paths whose own text differs between two versions of emitted JavaScript; the sets must match. */
function changedFunctions(file: string, before: string, after: string): string[] {
  const a = collectFunctions(file, before);
  const b = collectFunctions(file, after);
  assert.deepEqual(b.functions.map((f) => f.path), a.functions.map((f) => f.path), 'same functions in the same order');
  assert.equal(b.topLevelText, a.topLevelText, 'top-level code unchanged');
  return b.functions.filter((f, i) => f.ownText !== a.functions[i]!.ownText).map((f) => f.path);
}

function positionOf(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} not found`);
  const lines = text.slice(0, offset).split('\n');
  return { line: lines.length - 1, column: lines.at(-1)!.length };
}

describe('built output: the committed tsc-built fixture (CommonJS)', () => {
  const source = fixture('tsc-built', 'src', 'main.ts');
  const js = fixture('tsc-built', 'out', 'main.js');

  it('maps src/main.ts to out/main.js and its map, with the project options', () => {
    const output = built(source);
    assert.equal(output.jsFile, js);
    assert.equal(output.mapFile, `${js}.map`);
    assert.equal(output.tsconfig, fixture('tsc-built', 'tsconfig.json'));
    assert.equal(output.options.module, ts.ModuleKind.CommonJS);
    assert.equal(output.options.target, ts.ScriptTarget.ES2022);
  });

  it('compiles the unchanged source to the on-disk JavaScript and map byte for byte', () => {
    const result = compiled(built(source).compile(read(source)));
    assert.equal(result.code, read(js));
    assert.match(result.code, /\n\/\/# sourceMappingURL=main\.js\.map$/);
    assert.deepEqual(result.map, JSON.parse(read(`${js}.map`)));
  });

  it('compiles a one-function edit so that only that function differs, and maps it back to its TS line', () => {
    // Two lines more inside f: everything after it moves down, nothing after it changes.
    const edited = replaceOnce(read(source), "  return 'v1';", "  const suffix: string = '2';\n\n  return 'v' + suffix;");
    const result = compiled(built(source).compile(edited));
    assert.deepEqual(changedFunctions('main.js', read(js), result.code), ['f']);
    const inJs = positionOf(result.code, "'v' + suffix");
    assert.deepEqual(sourcePosition(result.code, result.map as never, inJs), positionOf(edited, "'v' + suffix"));
    // The arrow after the edit, on its TS line (two lines lower than before).
    const arrow = positionOf(result.code, 'console.log');
    assert.equal(sourcePosition(result.code, result.map as never, arrow)?.line, positionOf(edited, 'console.log').line);
    assert.equal(positionOf(edited, 'console.log').line, positionOf(read(source), 'console.log').line + 2);
  });

  it('reports syntax errors at their TypeScript position instead of compiling', () => {
    const broken = replaceOnce(read(source), "return 'v1';", "return 'v1'; }}");
    const result = built(source).compile(broken);
    assert.ok('errors' in result, 'errors expected');
    assert.equal(result.errors[0]!.start.line, positionOf(broken, '}}').line);
  });
});

describe('built output: the committed tsc-built-esm fixture (NodeNext, "type": "module")', () => {
  for (const name of ['lib', 'main']) {
    it(`compiles src/${name}.ts to out/${name}.js as an ES module, byte for byte`, () => {
      const source = fixture('tsc-built-esm', 'src', `${name}.ts`);
      const output = built(source);
      assert.equal(output.jsFile, fixture('tsc-built-esm', 'out', `${name}.js`));
      // ts.transpileModule would emit CommonJS here: its host sees no package.json.
      const result = compiled(output.compile(read(source)));
      assert.equal(result.code, read(output.jsFile));
      assert.deepEqual(result.map, JSON.parse(read(`${output.jsFile}.map`)));
    });
  }

  it('compiles a method edit so that only that method differs', () => {
    const source = fixture('tsc-built-esm', 'src', 'lib.ts');
    const output = built(source);
    const edited = replaceOnce(read(source), 'return `${this.name} ${label()}`;', 'return `${this.name}: ${label()}`;');
    const result = compiled(output.compile(edited));
    assert.deepEqual(changedFunctions('lib.js', read(output.jsFile), result.code), ['Greeter{}/label']);
    const inJs = positionOf(result.code, '`${this.name}: ');
    assert.equal(sourcePosition(result.code, result.map as never, inJs)?.line, positionOf(edited, '`${this.name}: ').line);
  });
});

describe('built output: what is not a built program', () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-built-'));
  after(() => fs.rmSync(temp, { recursive: true, force: true }));

  it('gives undefined for a file outside any tsconfig, for JavaScript and for declarations', () => {
    assert.equal(ts.findConfigFile(temp, ts.sys.fileExists), undefined, 'the temp dir must have no tsconfig above it');
    fs.writeFileSync(path.join(temp, 'alone.ts'), 'export const x = 1;\n');
    assert.equal(findBuiltOutput(path.join(temp, 'alone.ts')), undefined);
    assert.equal(findBuiltOutput(fixture('tsc-built', 'out', 'main.js')), undefined);
    assert.equal(findBuiltOutput(path.join(repoRoot, 'node_modules', 'typescript', 'lib', 'typescript.d.ts')), undefined);
  });

  it("gives undefined for this repository's own sources: a solution tsconfig whose projects emit declarations only", () => {
    // The root tsconfig.json has `files: []` and references; server/tsconfig.json owns the file.
    assert.equal(findBuiltOutput(path.join(repoRoot, 'server', 'src', 'core', 'builtOutput.ts')), undefined);
  });

  it('gives undefined for noEmit and for a project without outDir', () => {
    for (const [dir, options] of [['noemit', { noEmit: true, outDir: 'out' }], ['beside', {}]] as const) {
      fs.mkdirSync(path.join(temp, dir, 'src'), { recursive: true });
      fs.writeFileSync(path.join(temp, dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, include: ['src'] }));
      fs.writeFileSync(path.join(temp, dir, 'src', 'a.ts'), 'export const x = 1;\n');
      assert.equal(findBuiltOutput(path.join(temp, dir, 'src', 'a.ts')), undefined, dir);
    }
  });
});

describe('built output: option variants, against the compiler building the whole project', () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-built-'));
  after(() => fs.rmSync(temp, { recursive: true, force: true }));

  // Constructs whose emit depends on target and module options: a class with a parameter property
  // and field, async, spread, optional chaining, enums (the const one inlined by tsc), default
  // parameters, and imports from another file, one of them used only as a type (tsc drops it).
  const source = [
    '// Counter: a little of everything tsc rewrites.',
    "import { area, type Shape } from './shape.js';",
    "import { Unit } from './shape.js';",
    'export class Counter {',
    '  private count = 0;',
    '  constructor(readonly step: number = 1) {}',
    '  next(): number {',
    '    this.count += this.step;',
    '    return this.count;',
    '  }',
    '  async later(ms: number): Promise<number> {',
    '    await new Promise((resolve) => setTimeout(resolve, ms));',
    '    return this.next();',
    '  }',
    '}',
    'export function twice(...xs: number[]): number[] {',
    '  return [...xs, ...xs.map((x) => x * 2)];',
    '}',
    "export const describeCounter = (c?: Counter) => c?.step ?? 'none';",
    'enum Level { Low = 1, High }',
    'export function level(n: number): Level {',
    '  return n > 1 ? Level.High : Level.Low;',
    '}',
    'const enum Mode { Fast, Slow }',
    'export function mode(fast: boolean): Mode {',
    '  return fast ? Mode.Fast : Mode.Slow;',
    '}',
    'export function measure(shape: Shape, unit: Unit): string {',
    '  return `${area(shape)} ${unit}`;',
    '}',
    '',
  ].join('\n');
  const shape = [
    'export interface Shape { width: number; height: number }',
    'export type Unit = "m2" | "cm2";',
    'export function area(s: Shape): number {',
    '  return s.width * s.height;',
    '}',
    '',
  ].join('\n');

  /** Builds a project as `tsc -p` does: parse the tsconfig, create the program, emit everything. */
  function tscBuild(dir: string): void {
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), undefined, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    });
    assert.ok(parsed);
    assert.deepEqual(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
    const result = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences ?? [] }).emit();
    assert.equal(result.emitSkipped, false);
  }

  interface Variant {
    name: string;
    options: Record<string, unknown>;
    files?: Record<string, string>;
    /** The file's name instead of counter.ts. */
    fileName?: string;
    /** Functions whose emit needs the type checker: they differ from tsc's even unchanged. */
    knownDifferent?: string[];
  }

  function project(variant: Variant): string {
    const dir = path.join(temp, variant.name);
    fs.mkdirSync(path.join(dir, 'src', 'nested'), { recursive: true });
    // A lib without DOM keeps the reference builds quick; `rootDir: undefined` leaves it out.
    const compilerOptions = { types: [], lib: ['ES2022'], outDir: 'out', rootDir: 'src', ...variant.options };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }));
    const file = path.join(dir, 'src', 'nested', variant.fileName ?? 'counter.ts');
    fs.writeFileSync(file, source);
    fs.writeFileSync(path.join(dir, 'src', 'nested', 'shape.ts'), shape);
    for (const [name, text] of Object.entries(variant.files ?? {})) fs.writeFileSync(path.join(dir, name), text);
    tscBuild(dir);
    return file;
  }

  const variants: Variant[] = [
    {
      name: 'es5-commonjs',
      options: { target: 'ES5', lib: ['ES5', 'ES2015.Promise'], module: 'commonjs', sourceMap: true, ignoreDeprecations: '6.0' },
      // Below ES2017, tsc passes the declared return type's constructor to __awaiter only when the
      // checker finds it a constructor type and a value; for the global Promise it does not, and
      // writes `void 0`. Without lib files the name is unknown, and the compiler passes `Promise`.
      // Both run the same (`P || (P = Promise)`). The class is an ES5 function here.
      knownDifferent: ['<function> #4/Counter.prototype.later'],
    },
    { name: 'es2017-inline-map', options: { target: 'ES2017', module: 'commonjs', inlineSourceMap: true, inlineSources: true } },
    { name: 'no-map-remove-comments', options: { target: 'ES2022', module: 'commonjs', removeComments: true } },
    { name: 'nodenext-commonjs', options: { target: 'ES2022', module: 'NodeNext', sourceMap: true } },
    { name: 'nodenext-module', options: { target: 'ES2022', module: 'NodeNext', sourceMap: true }, files: { 'package.json': '{ "type": "module" }' } },
    { name: 'mts-extension', options: { target: 'ES2020', module: 'NodeNext', sourceMap: true }, fileName: 'counter.mts' },
    { name: 'isolated-modules', options: { target: 'ES2022', module: 'commonjs', sourceMap: true, isolatedModules: true } },
    // TypeScript 6 puts the output under the tsconfig's folder when rootDir is not set (and says so).
    { name: 'no-root-dir', options: { target: 'ES2022', module: 'commonjs', sourceMap: true, rootDir: undefined } },
  ];

  for (const variant of variants) {
    it(`${variant.name}: unchanged compiles byte for byte; a one-line edit changes only that function`, () => {
      const file = project(variant);
      const output = built(file);
      assert.ok(fs.existsSync(output.jsFile), `${output.jsFile} emitted by the build`);
      const onDisk = read(output.jsFile);
      const jsName = path.basename(output.jsFile);
      const result = compiled(output.compile(read(file)));
      const known = variant.knownDifferent ?? [];
      if (known.length === 0) {
        assert.equal(result.code, onDisk);
        if (output.mapFile) assert.deepEqual(result.map, JSON.parse(read(output.mapFile)));
      } else {
        assert.deepEqual(changedFunctions(jsName, onDisk, result.code), known);
      }

      const edited = replaceOnce(read(file), 'this.count += this.step;', 'this.count += this.step * 2;');
      const next = compiled(output.compile(edited));
      const changed = changedFunctions(jsName, onDisk, next.code).filter((p) => !known.includes(p));
      assert.equal(changed.length, 1, `one function changed: ${changed.join(', ')}`);
      assert.match(changed[0]!, /next$/);
      if (next.map) {
        const inJs = positionOf(next.code, 'this.step * 2');
        assert.equal(sourcePosition(next.code, next.map as never, inJs)?.line, positionOf(edited, 'this.step * 2').line);
      } else {
        assert.equal(sourcePosition(next.code, undefined, positionOf(next.code, 'this.step * 2')), undefined, 'no map, no position');
      }
    });
  }

  it('parses the tsconfig again when it changes on disk', () => {
    const file = project({ name: 'reconfigured', options: { target: 'ES2022', module: 'commonjs' } });
    assert.equal(built(file).jsFile, path.join(temp, 'reconfigured', 'out', 'nested', 'counter.js'));
    const tsconfig = path.join(temp, 'reconfigured', 'tsconfig.json');
    fs.writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { types: [], outDir: 'build', rootDir: 'src/nested' }, include: ['src'] }));
    // A later mtime even on file systems with coarse timestamps.
    const later = new Date(Date.now() + 10_000);
    fs.utimesSync(tsconfig, later, later);
    assert.equal(built(file).jsFile, path.join(temp, 'reconfigured', 'build', 'counter.js'));
  });

  it('finds a file created after its project was first parsed', () => {
    built(project({ name: 'grown', options: { target: 'ES2022', module: 'commonjs' } }));
    const added = path.join(temp, 'grown', 'src', 'added.ts');
    fs.writeFileSync(added, 'export const y = 2;\n');
    assert.equal(built(added).jsFile, path.join(temp, 'grown', 'out', 'added.js'));
  });
});

describe('built output: source map decoding', () => {
  it('decodes VLQ fields relative to the previous segment, across lines', () => {
    // "AAAA" = [0,0,0,0]; "IAAI" = [4,0,0,4]; "AACA" = [0,0,1,0]; "gBAAgB" = [16,0,0,16].
    assert.deepEqual(decodeMappings('AAAA,IAAI;AACA,gBAAgB'), [
      [[0, 0, 0, 0], [4, 0, 0, 4]],
      [[0, 0, 1, 4], [16, 0, 1, 20]],
    ]);
    // Negative deltas (lowest bit set): "AAAD" = [0,0,0,-1].
    assert.deepEqual(decodeMappings('AACE;AAAD'), [[[0, 0, 1, 2]], [[0, 0, 1, 1]]]);
  });
});
