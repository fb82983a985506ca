// Installs the module loading hooks in the program's main thread (and in each worker, which
// preloads the runtime too). CommonJS loads through `Module._extensions` (as ts-node, tsx and
// pirates do); ES modules through synchronous hooks on Node ≥ 22.15, and otherwise through the
// asynchronous hooks that `register.mjs` (the `--import` preload) registers.
import Module from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TypeStripper } from '../../common/runningText';
import { cachedStripper } from './blankingCache';
import { loadUserModule, pointModule, POINT_SPECIFIER, typeScriptSibling } from './hooks';

interface CompilableModule {
  _compile(code: string, filename: string): unknown;
}
type ExtensionHandler = (module: CompilableModule, filename: string) => void;
interface SyncHooks {
  resolve(specifier: string, context: object, next: (s: string, c?: object) => unknown): unknown;
  load(url: string, context: object, next: (u: string, c?: object) => unknown): unknown;
}

let stripper: TypeStripper | undefined;
/** amaro (several MB of WebAssembly) loads with the first TypeScript file, never for plain JS. */
const loadStripper = cachedStripper(() => (stripper ??= require(path.join(__dirname, 'amaro.js')) as TypeStripper), path.join(__dirname, 'amaro.js'));

export function installModuleLoader(): void {
  const registerHooks = (Module as unknown as { registerHooks?: (hooks: SyncHooks) => unknown }).registerHooks;
  if (typeof registerHooks === 'function') {
    registerHooks({
      resolve: (specifier, context, next) => {
        const point = pointModule(specifier, __dirname);
        if (point) return { url: point, format: 'commonjs', shortCircuit: true };
        return next(typeScriptSibling(specifier, (context as { parentURL?: string }).parentURL) ?? specifier, context);
      },
      load: (url, context, next) => {
        const loaded = loadUserModule(url, loadStripper, __dirname);
        if (!loaded) return next(url, context);
        // CommonJS without a source goes to the CommonJS loader (our `_extensions` below): with a
        // source, Node would run it with a stripped-down `require` (no cache, no extensions).
        return loaded.format === 'commonjs' ? { format: 'commonjs', shortCircuit: true } : loaded;
      },
    });
  }
  // The user's CommonJS modules are compiled here on every Node: Node's own `.ts` handler (22.6+)
  // would strip types again and append a `//# sourceURL` comment, so the running text would no
  // longer be the one the server computes. A module that is an ES module (and an installed
  // package) goes to Node's own handler: it loads ES modules through the hooks above.
  // `require('live-update')` where the synchronous hooks do not cover require (Node < 22.15).
  const moduleStatics = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolveFilename = moduleStatics._resolveFilename;
  moduleStatics._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === POINT_SPECIFIER ? path.join(__dirname, 'point.js') : resolveFilename.call(this, request, ...rest);
  };
  const extensions = (Module as unknown as { _extensions: Record<string, ExtensionHandler | undefined> })._extensions;
  for (const ext of ['.js', '.cjs', '.ts', '.cts']) {
    const nodeHandler = extensions[ext] ?? extensions['.js'];
    extensions[ext] = (module, filename) => {
      const loaded = loadUserModule(pathToFileURL(filename).href, loadStripper, __dirname);
      if (!loaded || (loaded.format === 'module' && nodeHandler)) return nodeHandler!(module, filename);
      module._compile(loaded.source!, filename);
    };
  }
}
