// Module hooks that load the user's modules as their running text (see common/runningText):
// TypeScript position-preserving, every module with its scope accessor. One logic for
// every way Node offers hooks: `module.registerHooks` (synchronous, Node ≥ 22.15, covers require
// and import) and `module.register` (asynchronous, in a loader thread, Node 20.6 – 22.14, ESM
// only; CommonJS is then handled by loader.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isTypeScriptFile, isUserModule, moduleFormat, toRunningText, type TypeStripper } from '../../common/runningText';

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

/**
 * TypeScript projects import `./x.js` meaning `./x.ts` (what tsc expects). When the `.js` file does
 * not exist next to a TypeScript importer, this returns the specifier of the TypeScript file.
 */
export function typeScriptSibling(specifier: string, parentURL: string | undefined): string | undefined {
  if (!parentURL?.startsWith('file:') || !isTypeScriptFile(parentURL) || !/^\.\.?\//.test(specifier)) return undefined;
  const match = /\.([cm]?)js$/.exec(specifier);
  if (!match) return undefined;
  const asWritten = path.resolve(path.dirname(fileURLToPath(parentURL)), specifier);
  const rewritten = specifier.slice(0, -`${match[1]}js`.length) + `${match[1]}ts`;
  if (fs.existsSync(asWritten) || !fs.existsSync(path.resolve(path.dirname(fileURLToPath(parentURL)), rewritten))) return undefined;
  return rewritten;
}

/**
 * Loads one of the user's modules (JavaScript or TypeScript, not an installed package): its
 * running text (see common/runningText), and whether it is an ES module or CommonJS, decided as
 * Node decides: by extension, then the package's `"type"`, then `import`/`export` syntax.
 * Undefined for anything else, which Node loads as usual.
 */
export function loadUserModule(url: string, stripper: () => TypeStripper, runtimeDir: string): LoadResult | undefined {
  if (!url.startsWith('file:')) return undefined;
  const file = fileURLToPath(url);
  // The runtime's own files (and amaro beside them) are never user modules.
  if (!isUserModule(file) || file.startsWith(runtimeDir + path.sep)) return undefined;
  const source = fs.readFileSync(file, 'utf8');
  const format = moduleFormat(file, source);
  // A `.js` file outside any "type" whose syntax looks like a module: Node's own detection (22+)
  // decides better than a pattern; it runs as written.
  if (!format) return undefined;
  const running = toRunningText(source, file, stripper);
  if (!running.positionExact) warnNotExact(file);
  return { format, source: running.code, shortCircuit: true };
}

const warned = new Set<string>();
/** Said once per file: its positions are not the file's, so breakpoints may drift after updates. */
export function warnNotExact(file: string): void {
  if (warned.has(file)) return;
  warned.add(file);
  process.stderr.write(
    `[live-update] ${file} uses TypeScript syntax that cannot run with its positions kept (enum, namespace, parameter properties or import =); it runs transpiled, and breakpoints in it may drift after updates.\n`,
  );
}
