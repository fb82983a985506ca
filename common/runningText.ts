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
    const code = topLevelConstAsLet(source);
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
  const code = topLevelConstAsLet(result.code);
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
  const code = topLevelConstAsLet(blanked);
  return code + scopeAccessor(file) + identitySourceMap(code, fileUrlOf(file));
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

/** Keywords after which a `/` starts a regular expression (they end no expression). */
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await', 'extends']);

/**
 * The offsets of the `const` keywords that begin a top-level declaration, or undefined when the
 * scan is unsure. A small JavaScript scanner: strings, template literals with nested `${}`,
 * comments, regular expressions told from division by the token before, bracket depth.
 */
export function topLevelConstOffsets(code: string): number[] | undefined {
  const out: number[] = [];
  const n = code.length;
  // Brackets open now; a template's `${` pushes '$' so its `}` resumes the template.
  const stack: string[] = [];
  // What the last significant token was: 'start', 'punct' (an operator or opener: a `/` after it
  // starts a regular expression), 'value' (an identifier, number, string, closer: division),
  // 'word' (a keyword after which an expression starts), 'dot' (member access follows).
  let last: 'start' | 'punct' | 'value' | 'word' | 'dot' = 'start';
  let lastWord = '';
  let i = 0;
  if (code.startsWith('#!')) {
    const eol = code.indexOf('\n');
    i = eol < 0 ? n : eol;
  }
  const isIdent = (c: number): boolean =>
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 36 || c === 95 || c === 92 || c > 127;
  // Scans a template literal's text from after its backtick (or after a `}` that closes a `${`);
  // returns the offset after it ends, or after a `${` (pushed), or -1 when unterminated.
  let inSubstitution = false;
  const templateText = (from: number): number => {
    inSubstitution = false;
    let j = from;
    while (j < n) {
      const c = code.charCodeAt(j);
      if (c === 92) j += 2;
      else if (c === 96) return j + 1;
      else if (c === 36 && code.charCodeAt(j + 1) === 123) {
        stack.push('$');
        inSubstitution = true;
        return j + 2;
      } else j++;
    }
    return -1;
  };
  while (i < n) {
    const c = code.charCodeAt(i);
    // Whitespace and line terminators.
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029) {
      i++;
      continue;
    }
    if (c === 47) {
      const next = code.charCodeAt(i + 1);
      if (next === 47) {
        const eol = code.indexOf('\n', i);
        i = eol < 0 ? n : eol;
        continue;
      }
      if (next === 42) {
        const end = code.indexOf('*/', i + 2);
        if (end < 0) return undefined;
        i = end + 2;
        continue;
      }
      if (last === 'start' || last === 'punct' || last === 'word') {
        // A regular expression: up to the `/` outside a class, then its flags.
        let j = i + 1;
        let inClass = false;
        for (;;) {
          if (j >= n) return undefined;
          const r = code.charCodeAt(j);
          if (r === 10 || r === 13) return undefined;
          if (r === 92) j += 2;
          else if (r === 91) (inClass = true), j++;
          else if (r === 93) (inClass = false), j++;
          else if (r === 47 && !inClass) break;
          else j++;
        }
        j++;
        while (j < n && isIdent(code.charCodeAt(j))) j++;
        i = j;
        last = 'value';
        continue;
      }
      i++;
      last = 'punct';
      continue;
    }
    if (c === 39 || c === 34) {
      let j = i + 1;
      for (;;) {
        if (j >= n) return undefined;
        const s = code.charCodeAt(j);
        if (s === c) break;
        if (s === 92) j += 2;
        else if (s === 10 || s === 13) return undefined;
        else j++;
      }
      i = j + 1;
      last = 'value';
      continue;
    }
    if (c === 96) {
      i = templateText(i + 1);
      if (i < 0) return undefined;
      last = inSubstitution ? 'punct' : 'value';
      continue;
    }
    if (isIdent(c)) {
      let j = i + 1;
      while (j < n && isIdent(code.charCodeAt(j))) j++;
      const word = code.slice(i, j);
      if (word === 'const' && stack.length === 0 && last !== 'dot' && !(last === 'word' && lastWord === 'as')) out.push(i);
      // A number such as `1.5`: its dot is part of it.
      if (c >= 48 && c <= 57) {
        while (j < n && (isIdent(code.charCodeAt(j)) || code.charCodeAt(j) === 46 || ((code.charCodeAt(j) === 43 || code.charCodeAt(j) === 45) && /[eE]/.test(code[j - 1]!) && !/^0[xX]/.test(code.slice(i, j))))) j++;
        last = 'value';
      } else if (last !== 'dot' && (REGEX_AFTER_WORD.has(word) || word === 'as')) {
        last = 'word';
      } else last = 'value';
      lastWord = word;
      i = j;
      continue;
    }
    // Punctuators.
    if (c === 40 || c === 91 || c === 123) {
      stack.push(code[i]!);
      i++;
      last = 'punct';
      continue;
    }
    if (c === 41 || c === 93 || c === 125) {
      const open = stack.pop();
      if (c === 125 && open === '$') {
        i = templateText(i + 1);
        if (i < 0) return undefined;
        last = inSubstitution ? 'punct' : 'value';
        continue;
      }
      if (open !== (c === 41 ? '(' : c === 93 ? '[' : '{')) return undefined;
      i++;
      // After `)` or `]` a `/` divides; after `}` it starts a regular expression (a block ended).
      last = c === 125 ? 'punct' : 'value';
      continue;
    }
    if (c === 46 && !(code.charCodeAt(i + 1) >= 48 && code.charCodeAt(i + 1) <= 57)) {
      // `.`, `?.` and `...`: a name after it is a property.
      if (code.startsWith('...', i)) {
        i += 3;
        last = 'punct';
      } else {
        i++;
        last = 'dot';
      }
      continue;
    }
    if (c === 46) {
      // `.5`
      let j = i + 1;
      while (j < n && (isIdent(code.charCodeAt(j)) || ((code.charCodeAt(j) === 43 || code.charCodeAt(j) === 45) && /[eE]/.test(code[j - 1]!)))) j++;
      i = j;
      last = 'value';
      continue;
    }
    if (c === 63 && code.charCodeAt(i + 1) === 46 && !(code.charCodeAt(i + 2) >= 48 && code.charCodeAt(i + 2) <= 57)) {
      i += 2;
      last = 'dot';
      continue;
    }
    if ((c === 43 || c === 45) && code.charCodeAt(i + 1) === c) {
      // `++`/`--`: after a value it is postfix, and a `/` after it divides.
      i += 2;
      if (last !== 'value') last = 'punct';
      continue;
    }
    if (c === 35) {
      // A private name `#x`: a value.
      let j = i + 1;
      while (j < n && isIdent(code.charCodeAt(j))) j++;
      i = j;
      last = 'value';
      continue;
    }
    i++;
    last = 'punct';
  }
  if (stack.length) return undefined;
  return out;
}
