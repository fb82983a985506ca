// Programs built ahead of time by tsc run their emitted JavaScript (out/*.js), not the TypeScript
// the user edits. To update such a program the server needs, for a saved .ts file: which .js file
// it runs as, that file's new text as the project's own tsc would emit it, and a way back from a
// position in that JavaScript to the TypeScript line (diagnostics belong on the file the user
// edits). The emitted text must equal what tsc wrote for every function the user did not touch,
// byte for byte: the comparison is function by function, so any drift in an untouched function
// would be patched as a change.
//
// Editor-agnostic: no LSP. Reads tsconfig files and package.json files (module format) from disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import type { Position } from '../../../common/patch';

/** A source map as tsc writes it (version 3). */
export interface RawSourceMap {
  version: number;
  file?: string;
  sourceRoot?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
}

export interface CompileError {
  message: string;
  start: Position;
  end: Position;
}

export type CompileResult = { code: string; map?: RawSourceMap } | { errors: CompileError[] };

export interface BuiltOutput {
  /** The TypeScript file, absolute and normalized. */
  sourceFile: string;
  /** The JavaScript tsc emits for it (it may not exist yet if the project was never built). */
  jsFile: string;
  /** Its source map file, when the project writes one (`sourceMap`, not `inlineSourceMap`). */
  mapFile?: string;
  /** The tsconfig.json of the project that emits it. */
  tsconfig: string;
  /** The project's parsed compiler options. */
  options: ts.CompilerOptions;
  /** Compiles this one file's (new) text with the project's options, see `compileFile`. */
  compile(sourceText: string): CompileResult;
}

const typeScriptSource = /\.(?:[cm]?ts|tsx)$/;
const declarationFile = /\.d\.[cm]?ts$|\.d\.[^/\\]*\.ts$/;

interface CachedConfig {
  parsed: ts.ParsedCommandLine;
  /** tsconfig.json and every config it extends, with the mtime each had when parsed. */
  mtimes: Map<string, number>;
  /** Files looked for after this parse expanded the include globs, and not found. */
  absent: Set<string>;
}

// Parsing a tsconfig reads the file system (include globs), so it is cached per tsconfig path and
// re-parsed only when that file or one it extends changed on disk.
const configCache = new Map<string, CachedConfig>();

/** For a TypeScript source file of a project that emits JavaScript into an outDir: where it goes. */
export function findBuiltOutput(sourceFile: string): BuiltOutput | undefined {
  const file = path.resolve(sourceFile);
  if (!typeScriptSource.test(file) || declarationFile.test(file)) return undefined;
  // The compiler's own lookup: the nearest tsconfig.json up the tree.
  const tsconfig = ts.findConfigFile(path.dirname(file), ts.sys.fileExists);
  if (!tsconfig) return undefined;
  return projectEmitting(file, path.resolve(tsconfig), new Set());
}

function projectEmitting(file: string, tsconfig: string, visited: Set<string>): BuiltOutput | undefined {
  if (visited.has(tsconfig)) return undefined;
  visited.add(tsconfig);
  let config = parsedConfig(tsconfig, false);
  if (!config) return undefined;
  if (!includes(config.parsed, file) && !config.absent.has(file)) {
    // The include globs were expanded when the config was parsed; a file created since then is
    // only found by expanding them again. Once per file and parse: a solution tsconfig asks every
    // referenced project about files most of them do not own.
    config = parsedConfig(tsconfig, true);
    if (!config) return undefined;
    if (!includes(config.parsed, file)) config.absent.add(file);
  }
  if (includes(config.parsed, file)) return emitting(file, tsconfig, config.parsed);
  // A solution-style tsconfig (`files: []` and `references`) owns no file itself: like tsserver,
  // look in the projects it references.
  for (const reference of config.parsed.projectReferences ?? []) {
    const found = projectEmitting(file, path.resolve(ts.resolveProjectReferencePath(reference)), visited);
    if (found) return found;
  }
  return undefined;
}

function includes(parsed: ts.ParsedCommandLine, file: string): boolean {
  return parsed.fileNames.some((name) => path.resolve(name) === file);
}

function emitting(file: string, tsconfig: string, parsed: ts.ParsedCommandLine): BuiltOutput | undefined {
  const options = parsed.options;
  // Only JavaScript in an outDir counts as a built program. Without outDir, tsc would write the .js
  // beside the .ts, but most such tsconfigs only type-check for a runner (tsx, ts-node, Node's type
  // stripping) that runs the .ts itself. outFile concatenates every file into one script, which a
  // single-file compile cannot reproduce.
  if (options.noEmit || options.emitDeclarationOnly || options.outFile || !options.outDir) return undefined;
  // The compiler's own rules for rootDir, outDir and the extension (.mts → .mjs, .tsx → .jsx with
  // jsx: preserve): getOutputFileNames lists the .js first, then its .map, then declarations.
  const outputs = ts.getOutputFileNames(parsed, file, !ts.sys.useCaseSensitiveFileNames);
  const jsFile = outputs.find((name) => /\.(?:[cm]?js|jsx)$/.test(name));
  if (!jsFile) return undefined;
  const mapFile = outputs.find((name) => name === `${jsFile}.map`);
  return {
    sourceFile: file,
    jsFile: path.resolve(jsFile),
    ...(mapFile ? { mapFile: path.resolve(mapFile) } : {}),
    tsconfig,
    options,
    compile: (sourceText) => compileFile(file, sourceText, options, jsFile),
  };
}

function parsedConfig(tsconfig: string, fresh: boolean): CachedConfig | undefined {
  const cached = configCache.get(tsconfig);
  if (cached && !fresh && [...cached.mtimes].every(([name, mtime]) => mtimeOf(name) === mtime)) return cached;
  // The extended-config cache is filled with every config the parse reads through `extends`, so an
  // edit to a shared base config invalidates this entry too.
  const extended = new Map<string, ts.ExtendedConfigCacheEntry>();
  let unrecoverable = false;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    undefined,
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => (unrecoverable = true) },
    extended,
  );
  if (!parsed || unrecoverable) {
    configCache.delete(tsconfig);
    return undefined;
  }
  const mtimes = new Map<string, number>([[tsconfig, mtimeOf(tsconfig)]]);
  for (const name of extended.keys()) mtimes.set(name, mtimeOf(name));
  const config = { parsed, mtimes, absent: new Set<string>() };
  configCache.set(tsconfig, config);
  return config;
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

// Options a one-file compile must not take from the project, as ts.transpileModule overrides them:
// no type check, no other files (no lib, no resolution), JavaScript only, nothing incremental.
// Unlike transpileModule, isolatedModules stays as the project sets it: it implies
// preserveConstEnums, so forcing it would keep local `const enum` declarations that tsc erased (and
// the file's top level would differ from the disk); without it the emit resolver still inlines a
// const enum declared in this file and drops imports used only as types, as tsc does.
const isolatedOverrides: ts.CompilerOptions = {
  noCheck: true,
  noLib: true,
  noResolve: true,
  noEmit: false,
  noEmitOnError: false,
  declaration: false,
  declarationMap: false,
  emitDeclarationOnly: false,
  composite: false,
  incremental: false,
  types: [],
};

/**
 * Compiles one file of a project as its tsc would, without the rest of the project.
 *
 * This is close to ts.transpileModule's recipe (one source file, no type check, no lib, no module
 * resolution), with two differences. The compiler host is the real file system: transpileModule's
 * host sees no package.json, so with `module: NodeNext` it emits a `.ts` file of a
 * `"type": "module"` package as CommonJS, while here Node's module format rules find the
 * package.json as tsc does. And isolatedModules is not forced (see isolatedOverrides).
 *
 * What a one-file compile cannot reproduce, because it needs the other files or lib's types: values
 * of const enums declared in other files (tsc inlines them and drops the import; here they stay
 * property accesses on a kept import), `export { T }` re-exports of names that are only types in
 * another file (tsc drops them), decorator metadata naming imported types, and below ES2017 the
 * promise constructor tsc passes to `__awaiter` (tsc writes `void 0` for the global Promise, this
 * writes `Promise`; both run the same). Code like that comes out different from the file on disk,
 * so the comparison sees it as changed: an update patches more than the user touched, never less.
 */
export function compileFile(sourceFile: string, sourceText: string, projectOptions: ts.CompilerOptions, expectedJsFile?: string): CompileResult {
  const options: ts.CompilerOptions = { ...projectOptions, ...isolatedOverrides };
  const file = path.resolve(sourceFile);
  const realHost = ts.createCompilerHost(options);
  let code: string | undefined;
  let mapText: string | undefined;
  let emittedTo: string | undefined;
  const host: ts.CompilerHost = {
    ...realHost,
    // Only the edited text, never the file on disk (it may not be saved in the form given).
    getSourceFile: (name, languageVersionOrOptions) =>
      path.resolve(name) === file ? ts.createSourceFile(name, sourceText, languageVersionOrOptions, false) : undefined,
    fileExists: (name) => path.resolve(name) === file || realHost.fileExists(name),
    readFile: (name) => (path.resolve(name) === file ? sourceText : realHost.readFile(name)),
    writeFile: (name, text, writeByteOrderMark) => {
      const withBom = writeByteOrderMark ? `\uFEFF${text}` : text;
      if (name.endsWith('.map')) mapText = withBom;
      else {
        code = withBom;
        emittedTo = name;
      }
    },
  };
  const program = ts.createProgram({ rootNames: [file], options, host });
  const sf = program.getSourceFile(file);
  if (!sf) return { errors: [{ message: `TypeScript could not read ${file}`, start: zero, end: zero }] };
  const syntax = program.getSyntacticDiagnostics(sf).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntax.length > 0) return { errors: syntax.map((d) => toError(d, sf)) };
  const emitted = program.emit(sf);
  if (code === undefined || emitted.emitSkipped) {
    const errors = emitted.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
    return { errors: errors.length > 0 ? errors.map((d) => toError(d, sf)) : [{ message: `TypeScript emitted nothing for ${file}`, start: zero, end: zero }] };
  }
  // The map's `sources` and `file` are relative to where the JavaScript goes; if this compile put it
  // elsewhere than tsc does (a rootDir rule this misses), the text would not be tsc's.
  if (expectedJsFile && emittedTo && path.resolve(emittedTo) !== path.resolve(expectedJsFile)) {
    return { errors: [{ message: `internal: compiled ${file} to ${emittedTo}, but tsc writes ${expectedJsFile}`, start: zero, end: zero }] };
  }
  const map = mapText !== undefined ? parseMap(mapText) : inlineMap(code);
  return map ? { code, map } : { code };
}

const zero: Position = { line: 0, column: 0 };

function toError(d: ts.Diagnostic, sf: ts.SourceFile): CompileError {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (d.file !== sf || d.start === undefined) return { message, start: zero, end: zero };
  const start = sf.getLineAndCharacterOfPosition(d.start);
  const end = sf.getLineAndCharacterOfPosition(d.start + (d.length ?? 0));
  return { message, start: { line: start.line, column: start.character }, end: { line: end.line, column: end.character } };
}

function parseMap(text: string): RawSourceMap | undefined {
  try {
    const map = JSON.parse(text.replace(/^\uFEFF/, '')) as RawSourceMap;
    return typeof map.mappings === 'string' ? map : undefined;
  } catch {
    return undefined;
  }
}

/** The map of `inlineSourceMap` output, from the last `//# sourceMappingURL=data:` comment. */
function inlineMap(code: string): RawSourceMap | undefined {
  const match = /\/\/[#@] sourceMappingURL=data:application\/json;(?:charset=[^;,]*;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
  return match ? parseMap(Buffer.from(match[1]!, 'base64').toString('utf8')) : undefined;
}

// ── Source positions ─────────────────────────────────────────────────────────────────────────────
// No source-map library is among the dependencies, and reading one is small: tsc's maps are single
// source, and a lookup needs only the decoded segments of one generated line.

/** [generated column, source index, source line, source column], 0-based, sorted by column. */
type Segment = [number, number, number, number];

const decodedMaps = new WeakMap<RawSourceMap, Segment[][]>();

/**
 * The TypeScript position (0-based line and column) a position in emitted JavaScript came from:
 * the nearest mapped segment at or before `position` on its line, else the first segment of the
 * line (tsc maps where statements and expressions start, so leading indentation has no mapping).
 * Uses `map`, or when absent the inline map at the end of `jsCode`. Undefined when the line has no
 * mapping (e.g. `"use strict"` that tsc added) or there is no map.
 */
export function sourcePosition(jsCode: string, map: RawSourceMap | undefined, position: Position): Position | undefined {
  const theMap = map ?? inlineMap(jsCode);
  if (!theMap) return undefined;
  let lines = decodedMaps.get(theMap);
  if (!lines) {
    lines = decodeMappings(theMap.mappings);
    decodedMaps.set(theMap, lines);
  }
  const segments = lines[position.line];
  if (!segments || segments.length === 0) return undefined;
  let found = segments[0]!;
  for (const segment of segments) {
    if (segment[0] > position.column) break;
    found = segment;
  }
  return { line: found[2], column: found[3] };
}

const base64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const base64Value = new Map([...base64].map((char, i) => [char, i]));

/** Decodes the `mappings` field (Base64 VLQ, fields relative to the previous segment). */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const lineText of mappings.split(';')) {
    const segments: Segment[] = [];
    let column = 0;
    for (const segmentText of lineText.split(',')) {
      if (segmentText === '') continue;
      const fields = decodeVlq(segmentText);
      if (fields.length === 0) continue;
      column += fields[0]!;
      // A one-field segment maps generated text to no source at all.
      if (fields.length < 4) continue;
      source += fields[1]!;
      sourceLine += fields[2]!;
      sourceColumn += fields[3]!;
      segments.push([column, source, sourceLine, sourceColumn]);
    }
    segments.sort((a, b) => a[0] - b[0]);
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = base64Value.get(char);
    if (digit === undefined) return [];
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
    } else {
      // The lowest bit is the sign.
      values.push(value % 2 === 1 ? -Math.floor(value / 2) : value / 2);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
