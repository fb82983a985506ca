// Module hooks that load TypeScript position-preserving (see common/runningText). One logic for
// every way Node offers hooks: `module.registerHooks` (synchronous, Node ≥ 22.15, covers require
// and import) and `module.register` (asynchronous, in a loader thread, Node 20.6 – 22.14, ESM
// only; CommonJS is then handled by loader.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasModuleSyntax, isTypeScriptFile, toRunningText, type TypeStripper } from '../../common/runningText';

export interface LoadResult {
  format: 'module' | 'commonjs';
  source?: string;
  shortCircuit: true;
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
 * Loads a TypeScript file: its running text, and whether it is an ES module (`.mts`, a
 * `"type": "module"` package, or `import`/`export` syntax) or CommonJS. Undefined for other files.
 */
export function loadTypeScript(url: string, stripper: () => TypeStripper): LoadResult | undefined {
  if (!url.startsWith('file:') || !isTypeScriptFile(url)) return undefined;
  const file = fileURLToPath(url);
  const source = fs.readFileSync(file, 'utf8');
  const running = toRunningText(source, file, stripper);
  if (!running.positionExact) warnNotExact(file);
  return { format: moduleFormat(file, running.code), source: running.code, shortCircuit: true };
}

function moduleFormat(file: string, code: string): 'module' | 'commonjs' {
  if (file.endsWith('.mts')) return 'module';
  if (file.endsWith('.cts')) return 'commonjs';
  const type = packageType(path.dirname(file));
  if (type === 'module') return 'module';
  if (type === 'commonjs') return 'commonjs';
  return hasModuleSyntax(code) ? 'module' : 'commonjs';
}

const packageTypes = new Map<string, string | undefined>();
function packageType(dir: string): string | undefined {
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type: string | undefined;
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

const warned = new Set<string>();
/** Said once per file: its positions are not the file's, so breakpoints may drift after updates. */
export function warnNotExact(file: string): void {
  if (warned.has(file)) return;
  warned.add(file);
  process.stderr.write(
    `[live-update] ${file} uses TypeScript syntax that cannot run with its positions kept (enum, namespace, parameter properties or import =); it runs transpiled, and breakpoints in it may drift after updates.\n`,
  );
}
