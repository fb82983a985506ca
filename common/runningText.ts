/**
 * The text a source file runs as. The runtime uses it when it loads a file; the server uses it to
 * turn a saved file into the text of a patch. Both must produce exactly the same text, so this is
 * the only place that decides it.
 *
 * JavaScript runs as written, TypeScript with its types replaced by whitespace (amaro, Node's own
 * type stripper), so every position equals the file's. One line is appended to each user module
 * (its scope accessor, see `scopeAccessor`). The running text then differs from the file on disk,
 * so an inline identity source map points the debugger at the file. Syntax that cannot run with
 * its types blanked (`import` in a CommonJS file, decorators, JSX, enum, namespace, parameter
 * properties, `import =`) is transformed by TypeScript with every statement kept on its line
 * (common/transpile.ts): positions keep their lines, not always their columns
 * (`positionExact: false`). Installed packages run exactly as written.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { tokensOf, type Token } from './jsScan';
import { loadScopeAccessor, loadScopes } from './loadScopes';
import type { Position } from './patch';
import { projectConfigFor } from './projectConfig';
import type { ModuleFormat, Transpiled, TranspileInput } from './transpile';

/** amaro's API, passed in so each side loads it its own way (lazily in the runtime). */
export interface TypeStripper {
  transformSync(code: string, options: object): { code: string; map?: string };
}

/** The compilers a running text may need, each side loading them its own way (lazily in the runtime). */
export interface Compilers {
  /** amaro: types blanked, position for position. */
  strip(): TypeStripper;
  /** TypeScript's transform with kept lines (transpile.ts); the runtime's answers from a cache may lack `toSource`. */
  transpile(input: TranspileInput): Pick<Transpiled, 'code'> & Partial<Pick<Transpiled, 'toSource'>>;
}

export interface RunningText {
  code: string;
  /** Every position is the file's; false: lines are the file's, columns may not be. */
  positionExact: boolean;
  /** For a transformed file: a position in `code` back to the file's. */
  toSource?: (position: Position) => Position;
}

export const isTypeScriptFile = (file: string): boolean => /\.[cm]?tsx?$/.test(file);

/** Files Live Update loads and updates: the user's own, not installed packages. */
export const isUserModule = (file: string): boolean => /\.(?:[cm]?[jt]s|[jt]sx)$/.test(file) && !/[\\/]node_modules[\\/]/.test(file);

/** The global the runtime defines to receive each module's scope accessor. */
export const SCOPE_REGISTRY_KEY = 'liveUpdate.scope';

export function toRunningText(source: string, file: string, compilers: Compilers): RunningText {
  // Installed packages, and `.js` files whose module system Node itself detects, run as written.
  if (!isUserModule(file)) return { code: source, positionExact: true };
  const format = moduleFormat(file, source);
  if (!format) return { code: source, positionExact: true };
  if (/x$/.test(file) || (format === 'commonjs' && hasModuleSyntax(source))) return transformed(source, file, format, compilers);
  const fileUrl = fileUrlOf(file);
  if (!isTypeScriptFile(file)) {
    // A file built with its own source map (tsc's outDir) keeps it: it points at the real source.
    const ownMap = /^\/\/[#@] sourceMappingURL=/m.test(source);
    const code = withLoadScopes(topLevelConstAsLet(source), file);
    return { code: code + scopeAccessor(file) + (ownMap ? '' : identitySourceMap(code, fileUrl)), positionExact: true };
  }
  let blanked: string;
  try {
    blanked = compilers.strip().transformSync(source, { mode: 'strip-only', filename: file }).code;
  } catch {
    // Syntax that has no blank form (enum, namespace, parameter properties, `import =`), or none
    // that parses: the transform throws again, with the compiler's message and position.
    return transformed(source, file, format, compilers);
  }
  if (hasDecorators(blanked)) return transformed(source, file, format, compilers);
  return { code: assembleTypeScriptRunningText(blanked, file), positionExact: true };
}

/** TypeScript's transform of a file, statements on their lines, with what every running text carries. */
function transformed(source: string, file: string, format: ModuleFormat, compilers: Compilers): RunningText {
  const config = projectConfigFor(file);
  const result = compilers.transpile({ source, file, format, compilerOptions: config?.compilerOptions ?? {}, configDir: path.dirname(config?.file ?? file) });
  const code = withLoadScopes(topLevelConstAsLet(result.code), file);
  return { code: code + scopeAccessor(file) + identitySourceMap(code, fileUrlOf(file)), positionExact: false, ...(result.toSource ? { toSource: result.toSource } : {}) };
}

/**
 * Whether blanked code still has decorators (V8 runs none). A decorator stands at a line's start or
 * after `(`, `,`, a bracket, `;`, `export` or `default`; an `@` in a JSDoc tag, a comment or a
 * string stands after other characters. A false positive only costs exact columns (the transform
 * keeps lines).
 */
export function hasDecorators(code: string): boolean {
  return /(?:^|[({,;}\])]|\bexport|\bdefault)[ \t]*@[A-Za-z_$]/m.test(code);
}

/**
 * The running text of a TypeScript file from its code with types already blanked (position for
 * position): what `toRunningText` appends, so a caller that blanked part of a file itself (the
 * server's incremental path) builds exactly the same text.
 */
export function assembleTypeScriptRunningText(blanked: string, file: string): string {
  const code = withLoadScopes(topLevelConstAsLet(blanked), file);
  return code + scopeAccessor(file) + identitySourceMap(code, fileUrlOf(file));
}

/**
 * `code` with an accessor at the start of each load scope's body (common/loadScopes.ts: an IIFE's,
 * a UMD factory's), and the `const` declarations directly in such a body as `let \t`, as at the top
 * level: a load scope's changed definitions are re-evaluated by assignment in its scope too. Only
 * the columns after an accessor on its line move (a one-line wrapper's head is rare but exists).
 */
export function withLoadScopes(code: string, file: string): string {
  const scopes = loadScopes(code);
  if (scopes.length === 0) return code;
  let out = code;
  for (const at of scopes.flatMap((s) => s.consts)) out = out.slice(0, at) + CONST_AS_LET + out.slice(at + 5);
  for (const scope of [...scopes].reverse()) out = out.slice(0, scope.insertAt) + loadScopeAccessor(file, scope.id, scopes.length, ACCESSOR_FORMS[0], SCOPE_REGISTRY_KEY) + out.slice(scope.insertAt);
  return out;
}

/** The blanked code of a position-exact TypeScript running text (without what was appended). */
export function blankedPartOf(runningText: string, file: string): string | undefined {
  const at = runningText.lastIndexOf(scopeAccessor(file));
  return at < 0 ? undefined : runningText.slice(0, at);
}

/**
 * One line after the module's own code (so no position moves) that hands the runtime a function
 * evaluating code in the module's scope: direct `eval` there can read and assign the module's
 * top-level bindings. It is how the REPL and state transformers reach module state. The cost is
 * that the module's top-level variables live in a context (as if a closure read each of them).
 */
export function scopeAccessor(file: string, form: 0 | 1 = 0): string {
  return `\n;globalThis[Symbol.for(${JSON.stringify(SCOPE_REGISTRY_KEY)})]?.(${JSON.stringify(file)}, ${ACCESSOR_FORMS[form]});`;
}

/**
 * The accessor's two spellings: same length, different only in the name of its parameter (V8 takes other edits of a concise arrow for top-level text, which it never changes in an ES module). A running text
 * always carries form 0; the last LiveEdit of every update gives V8 the *other* form than it holds,
 * so every update changes the accessor function and V8 gives it a fresh SharedFunctionInfo. Without
 * that, Node 24 (V8 13.6) aborts the process at the first `eval` through an accessor that was
 * compiled before an update of its module ("Check failed: stored_info == context->scope_info()":
 * LiveEdit moves an unchanged function's scope chain to the new script's, while the module's live
 * context keeps the old one). Both sides see form 0 only: the runtime canonicalizes what V8 holds.
 */
const ACCESSOR_FORMS = ['(code) => eval(code)', '(c$de) => eval(c$de)'] as const;

/** Whether a function's text is the scope accessor's (in either form): no function of the user's. */
export function isScopeAccessorText(text: string): boolean {
  return (ACCESSOR_FORMS as readonly string[]).includes(text);
}

/** Which form of `file`'s scope accessor `text` carries (undefined: neither, not a user module's). */
export function accessorFormOf(text: string, file: string): 0 | 1 | undefined {
  if (text.lastIndexOf(scopeAccessor(file, 1)) >= 0) return 1;
  return text.lastIndexOf(scopeAccessor(file, 0)) >= 0 ? 0 : undefined;
}

/**
 * `text` with its scope accessor in form `form` (unchanged when it has none), and the accessors of
 * its load scopes (common/loadScopes.ts) too: they change with the module's in every LiveEdit, for
 * the same reason (an eval through one an update left unchanged aborts Node 24).
 */
export function withAccessorForm(text: string, file: string, form: 0 | 1): string {
  const other = scopeAccessor(file, form === 0 ? 1 : 0);
  const at = text.lastIndexOf(other);
  if (at < 0) return text;
  return withLoadScopeForm(text.slice(0, at), file, form) + scopeAccessor(file, form) + text.slice(at + other.length);
}

/** How a load scope's accessor begins, in `form` (the module's ends with `);` instead). */
const scopedHead = (file: string, form: 0 | 1): string => `?.(${JSON.stringify(file)}, ${ACCESSOR_FORMS[form]}, `;

/** `code` (a running text's own code) with every load-scope accessor spelled in `form`. */
function withLoadScopeForm(code: string, file: string, form: 0 | 1): string {
  const other = scopedHead(file, form === 0 ? 1 : 0);
  return code.includes(other) ? code.split(other).join(scopedHead(file, form)) : code;
}

/**
 * A map from each line to itself. Lines beyond the current end are covered too, so the map stays
 * right when a later update makes the file longer (the debugger keeps the map it saw first).
 */
function identitySourceMap(code: string, fileUrl: string): string {
  let lines = 1;
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) lines++;
  // Covered lines come in powers of two, so the map (and the text around it) stays the same while
  // the file grows or shrinks within its bucket. That matters for ES modules: V8 counts this
  // comment as top-level text, and refuses any update that changes an ES module's top level.
  let covered = 512;
  while (covered < lines * 1.5 + 256) covered *= 2;
  return inlineMapComment(JSON.stringify({ version: 3, sources: [fileUrl], names: [], mappings: 'AAAA' + ';AACA'.repeat(covered - 1) }));
}

function inlineMapComment(json: string): string {
  return '\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,' + Buffer.from(json).toString('base64');
}

function fileUrlOf(file: string): string {
  // What node:url's pathToFileURL gives for an absolute POSIX path, without importing it here.
  return 'file://' + file.split('/').map(encodeURIComponent).join('/');
}

/**
 * Whether code looks like an ES module: a line starting with an `import` or `export` declaration
 * (not `import(`, `import.meta`, or a name such as `importFrom:`).
 */
export function hasModuleSyntax(code: string): boolean {
  return /^\s*(import\s*["'{*]|import\s+[\w$]|export\s*[{*]|export\s+[\w$])/m.test(code);
}

/**
 * How a user module loads, decided as Node and tsx decide: by extension, then the nearest
 * package.json's `"type"`, then syntax. A TypeScript (or JSX) file with `import`/`export` and no
 * `"type"` is what its project means (`formatWithoutType`). Undefined for a `.js` file outside any
 * `"type"` that looks like a module: Node's own detection (22+) decides that better than a
 * pattern, so such a file runs as written.
 */
export function moduleFormat(file: string, source: string): ModuleFormat | undefined {
  if (/\.m[jt]s$/.test(file)) return 'module';
  if (/\.c[jt]s$/.test(file)) return 'commonjs';
  const type = packageType(path.dirname(file));
  if (type === 'module') return 'module';
  if (type === 'commonjs') return 'commonjs';
  if (!hasModuleSyntax(source)) return 'commonjs';
  return isTypeScriptFile(file) || file.endsWith('.jsx') ? formatWithoutType(file, source) : undefined;
}

/**
 * A TypeScript file written with `import`/`export` in a package without `"type"`: CommonJS where
 * the code or its project says so (`import x = require`, `export =`, `__dirname`, `require(`, a
 * tsconfig `module` of CommonJS or Node's, as a NestJS project has), else an ES module (Node's
 * own reading of such a file), whose positions the blanking keeps exact.
 */
function formatWithoutType(file: string, source: string): ModuleFormat {
  if (/^\s*(?:import\s+[\w$]+\s*=\s*require\s*\(|export\s*=)/m.test(source)) return 'commonjs';
  if (/\bimport\.meta\b/.test(source)) return 'module';
  const module = projectConfigFor(file)?.compilerOptions.module;
  if (typeof module === 'string' && /^(?:commonjs|node\d+|nodenext|umd|amd)$/i.test(module)) return 'commonjs';
  if (/\b(?:__dirname|__filename|module\.exports)\b|(?<![\w$.])require\s*\(/.test(source)) return 'commonjs';
  return 'module';
}

const packageTypes = new Map<string, string>();
/** The `"type"` of the nearest package.json above `dir` ('none' without one). Cached per folder. */
function packageType(dir: string): string {
  const cached = packageTypes.get(dir);
  if (cached) return cached;
  let type: string;
  const manifest = path.join(dir, 'package.json');
  if (fs.existsSync(manifest)) {
    try {
      type = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { type?: string }).type ?? 'none';
    } catch {
      type = 'none';
    }
  } else {
    const parent = path.dirname(dir);
    type = parent === dir ? 'none' : packageType(parent);
  }
  packageTypes.set(dir, type);
  return type;
}

/**
 * What a top-level `const` keyword becomes: `let`, a space and a tab (same length). Not two spaces:
 * the analysis tells a former `const` by it (for its names and messages), and a user may well
 * write `let` with two spaces, but hardly a space and a tab.
 */
export const CONST_AS_LET = 'let \t';

/**
 * Top-level `const` declarations run as `let` (the keyword becomes `let \t`, same length, so no
 * position moves): a module step re-evaluates a changed definition by assigning its binding through
 * the scope accessor, and V8 refuses to assign a `const` there (the module's context keeps the
 * declaration's kind even after LiveEdit changes its text). The cost: a program that assigns a
 * top-level constant no longer throws. Only `const` at depth 0 is changed (not `for (const …`, not
 * inside a function or block); when the scanner below is unsure of the file (an unterminated
 * string, comment, template or regular expression, unbalanced brackets) the text stays as it is.
 */
export function topLevelConstAsLet(code: string): string {
  const offsets = topLevelConstOffsets(code);
  if (!offsets?.length) return code;
  let out = '';
  let from = 0;
  for (const at of offsets) {
    out += code.slice(from, at) + CONST_AS_LET;
    from = at + 5;
  }
  return out + code.slice(from);
}

/**
 * The offsets of the `const` keywords that begin a top-level declaration, or undefined when the
 * scan is unsure (common/jsScan.ts).
 */
export function topLevelConstOffsets(code: string): number[] | undefined {
  const tokens = tokensOf(code);
  if (!tokens) return undefined;
  const word = (t: Token | undefined): string => (t?.kind === 'word' ? code.slice(t.start, t.end) : '');
  const out: number[] = [];
  tokens.forEach((t, k) => {
    if (t.depth !== 0 || word(t) !== 'const') return;
    const prev = tokens[k - 1];
    // `x.const`, and `as const` (a TypeScript assertion, unless `x.as const`).
    if (prev?.kind === 'dot' || (word(prev) === 'as' && tokens[k - 2]?.kind !== 'dot')) return;
    out.push(t.start);
  });
  return out;
}
