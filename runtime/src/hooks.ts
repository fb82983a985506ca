// Module hooks that load the user's modules as their running text (see common/runningText):
// TypeScript position-preserving where its types can be blanked, transformed on kept lines where
// not, every module with its scope accessor. One logic for every way Node offers hooks:
// `module.registerHooks` (synchronous, Node ≥ 22.15, covers require and import), `module.register`
// (asynchronous, in a loader thread, Node 20.6 – 22.14, ES modules only) and CommonJS's own
// `Module._extensions` / `Module._resolveFilename` (loader.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveAlias, resolveRelative } from '../../common/moduleResolution';
import { hasModuleSyntax, isUserModule, moduleFormat, toRunningText, type Compilers } from '../../common/runningText';

export interface LoadResult {
  format: 'module' | 'commonjs';
  source?: string;
  shortCircuit: true;
}

/** The module name a program imports `updatePoint` from (see point.ts). */
export const POINT_SPECIFIER = 'live-update';

/** The runtime's own `live-update` module for the program's `updatePoint` import, else undefined. */
export function pointModule(specifier: string, runtimeDir: string): string | undefined {
  return specifier === POINT_SPECIFIER ? pathToFileURL(path.join(runtimeDir, 'point.js')).href : undefined;
}

/** Errors of Node's resolution after which the user's file may still be found (no extension, a folder, `.js` for `.ts`). */
const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT', 'MODULE_NOT_FOUND']);

/**
 * The file an import made by one of the user's files means where Node does not resolve it as the
 * project means it (common/moduleResolution): `alias`, asked before Node, for tsconfig
 * `paths`/`baseUrl`; `relative`, asked after Node failed with `error`, for extensionless, folder
 * and `.js`-for-`.ts` imports. `parent` is a file URL (ES modules) or a path (CommonJS).
 */
export function resolveUserFile(specifier: string, parent: string | null | undefined, kind: 'alias' | 'relative', error?: unknown): string | undefined {
  const parentFile = parent?.startsWith('file:') ? fileURLToPath(parent) : parent;
  if (!parentFile || !path.isAbsolute(parentFile) || !isUserModule(parentFile)) return undefined;
  if (kind === 'relative' && !NOT_FOUND.has((error as { code?: string } | undefined)?.code ?? '')) return undefined;
  return kind === 'alias' ? resolveAlias(specifier, parentFile) : resolveRelative(specifier, parentFile);
}

/** The same as a module hook's answer. */
export function resolveUserImport(specifier: string, parentURL: string | undefined, kind: 'alias' | 'relative', error?: unknown): { url: string; shortCircuit: true } | undefined {
  const file = resolveUserFile(specifier, parentURL, kind, error);
  return file ? { url: pathToFileURL(file).href, shortCircuit: true } : undefined;
}

/**
 * An ES module importing a CommonJS file of the user's that was written with `import`/`export`
 * (a `.cts` file, say): Node learns the names it exports by reading the file itself (its lexer
 * finds none in TypeScript's `export`), so `import { greet } from './greet.cjs'` would fail. Such
 * an import is marked (this query on its URL), and its load hands Node the running text, whose
 * `exports.greet = …` the lexer reads. Node then runs it with its ES loader's `require`; a
 * `require` of the same file shares its module (the CommonJS cache is by file name).
 */
const ESM_IMPORT_MARK = 'live-update-import';

export function markedForImport(resolved: unknown, context: { parentURL?: string; conditions?: readonly string[] }): unknown {
  const url = (resolved as { url?: string } | undefined)?.url;
  if (!url?.startsWith('file:') || url.includes('?') || !context.parentURL || !context.conditions?.includes('import')) return resolved;
  const file = fileURLToPath(url);
  if (!isUserModule(file) || !/\.(?:c?[jt]s|[jt]sx)$/.test(file) || !commonJsWithImports(file)) return resolved;
  return { ...(resolved as object), url: `${url}?${ESM_IMPORT_MARK}`, format: 'commonjs', shortCircuit: true };
}

/** Per file, whether it is CommonJS written with import/export (read once: a file's format only changes with a restart). */
const commonJsFiles = new Map<string, boolean>();
function commonJsWithImports(file: string): boolean {
  let known = commonJsFiles.get(file);
  if (known === undefined) {
    try {
      const source = fs.readFileSync(file, 'utf8');
      known = moduleFormat(file, source) === 'commonjs' && hasModuleSyntax(source);
    } catch {
      known = false;
    }
    commonJsFiles.set(file, known);
  }
  return known;
}

/** A load of a marked import (see above): the running text, given to Node with its format. */
export function loadMarkedImport(url: string, compilers: Compilers, runtimeDir: string): LoadResult | undefined {
  if (!url.endsWith(`?${ESM_IMPORT_MARK}`)) return undefined;
  const loaded = loadUserModule(url.slice(0, -ESM_IMPORT_MARK.length - 1), compilers, runtimeDir);
  return loaded && { ...loaded, format: 'commonjs' };
}

/**
 * Loads one of the user's modules (JavaScript or TypeScript, not an installed package): its
 * running text (see common/runningText), and whether it is an ES module or CommonJS, decided as
 * Node decides: by extension, then the package's `"type"`, then `import`/`export` syntax.
 * Undefined for anything else, which Node loads as usual.
 */
export function loadUserModule(url: string, compilers: Compilers, runtimeDir: string): LoadResult | undefined {
  if (!url.startsWith('file:')) return undefined;
  const file = fileURLToPath(url);
  // The runtime's own files (and amaro beside them) are never user modules.
  if (!isUserModule(file) || file.startsWith(runtimeDir + path.sep)) return undefined;
  const source = fs.readFileSync(file, 'utf8');
  const format = moduleFormat(file, source);
  // A `.js` file outside any "type" whose syntax looks like a module: Node's own detection (22+)
  // decides better than a pattern; it runs as written.
  if (!format) return undefined;
  return { format, source: toRunningText(source, file, compilers).code, shortCircuit: true };
}
