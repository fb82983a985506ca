/**
 * The text a source file runs as. The runtime uses it when it loads a file; the server uses it to
 * turn a saved file into the text of a patch. Both must produce exactly the same text, so this is
 * the only place that decides it.
 *
 * JavaScript runs as written, TypeScript with its types replaced by whitespace (amaro, Node's own
 * type stripper), so every position equals the file's. One line is appended to each user module
 * (its scope accessor, see `scopeAccessor`). The running text then differs from the file on disk,
 * so an inline identity source map points the debugger at the file. TypeScript syntax that cannot
 * be blanked (enum, namespace, parameter properties, `import =`) is transpiled with a source map
 * instead, and positions move (`positionExact: false`). Installed packages run exactly as written.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';

/** amaro's API, passed in so each side loads it its own way (lazily in the runtime). */
export interface TypeStripper {
  transformSync(code: string, options: object): { code: string; map?: string };
}

export interface RunningText {
  code: string;
  positionExact: boolean;
}

export const isTypeScriptFile = (file: string): boolean => /\.[cm]?tsx?$/.test(file);

/** Files Live Update loads and updates: the user's own, not installed packages. */
export const isUserModule = (file: string): boolean => /\.([cm]?[jt]s)$/.test(file) && !/[\\/]node_modules[\\/]/.test(file);

/** The global the runtime defines to receive each module's scope accessor. */
export const SCOPE_REGISTRY_KEY = 'liveUpdate.scope';

export function toRunningText(source: string, file: string, stripper: () => TypeStripper): RunningText {
  // Installed packages, and `.js` files whose module system Node itself detects, run as written.
  if (!isUserModule(file) || !moduleFormat(file, source)) return { code: source, positionExact: true };
  const fileUrl = fileUrlOf(file);
  if (!isTypeScriptFile(file)) {
    // A file built with its own source map (tsc's outDir) keeps it: it points at the real source.
    const ownMap = /^\/\/[#@] sourceMappingURL=/m.test(source);
    return { code: source + scopeAccessor(file) + (ownMap ? '' : identitySourceMap(source, fileUrl)), positionExact: true };
  }
  try {
    const { code } = stripper().transformSync(source, { mode: 'strip-only', filename: file });
    return { code: assembleTypeScriptRunningText(code, file), positionExact: true };
  } catch {
    // Throws again, with the compiler's message, when the source does not parse at all.
    const { code, map } = stripper().transformSync(source, { mode: 'transform', sourceMap: true, filename: file });
    return { code: code + scopeAccessor(file) + (map ? inlineMapComment(withSources(map, fileUrl)) : ''), positionExact: false };
  }
}

/**
 * The running text of a TypeScript file from its code with types already blanked (position for
 * position): what `toRunningText` appends, so a caller that blanked part of a file itself (the
 * server's incremental path) builds exactly the same text.
 */
export function assembleTypeScriptRunningText(blanked: string, file: string): string {
  return blanked + scopeAccessor(file) + identitySourceMap(blanked, fileUrlOf(file));
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
 * always carries form 0; the runtime applies every update with the *other* form than V8 holds, so
 * each LiveEdit changes the accessor function and V8 gives it a fresh SharedFunctionInfo. Without
 * that, Node 24 (V8 13.6) aborts the process at the first `eval` through an accessor that was
 * compiled before an update of its module ("Check failed: stored_info == context->scope_info()":
 * LiveEdit moves an unchanged function's scope chain to the new script's, while the module's live
 * context keeps the old one). Both sides see form 0 only: the runtime canonicalizes what V8 holds.
 */
const ACCESSOR_FORMS = ['(code) => eval(code)', '(c$de) => eval(c$de)'] as const;

/** Which form of `file`'s scope accessor `text` carries (undefined: neither, not a user module's). */
export function accessorFormOf(text: string, file: string): 0 | 1 | undefined {
  if (text.lastIndexOf(scopeAccessor(file, 1)) >= 0) return 1;
  return text.lastIndexOf(scopeAccessor(file, 0)) >= 0 ? 0 : undefined;
}

/** `text` with its scope accessor in form `form` (unchanged when it has none). */
export function withAccessorForm(text: string, file: string, form: 0 | 1): string {
  const other = scopeAccessor(file, form === 0 ? 1 : 0);
  const at = text.lastIndexOf(other);
  return at < 0 ? text : text.slice(0, at) + scopeAccessor(file, form) + text.slice(at + other.length);
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

function withSources(mapJson: string, fileUrl: string): string {
  const map = JSON.parse(mapJson) as { sources?: string[]; sourcesContent?: unknown };
  map.sources = [fileUrl];
  delete map.sourcesContent;
  return JSON.stringify(map);
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
 * How a user module loads, decided as Node decides: by extension, then the nearest package.json's
 * `"type"`, then syntax. Undefined for a `.js` file outside any `"type"` that looks like a module:
 * Node's own detection (22+) decides that better than a pattern, so such a file runs as written.
 */
export function moduleFormat(file: string, source: string): 'module' | 'commonjs' | undefined {
  if (/\.m[jt]s$/.test(file)) return 'module';
  if (/\.c[jt]s$/.test(file)) return 'commonjs';
  const type = packageType(path.dirname(file));
  if (type === 'module') return 'module';
  if (type === 'commonjs') return 'commonjs';
  if (!hasModuleSyntax(source)) return 'commonjs';
  return isTypeScriptFile(file) ? 'module' : undefined;
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
