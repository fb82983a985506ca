// Installs the module loading hooks in the program's main thread (and in each worker, which
// preloads the runtime too). CommonJS loads through `Module._extensions` (as ts-node, tsx and
// pirates do) and resolves through `Module._resolveFilename`; ES modules through synchronous hooks
// on Node ≥ 22.15, and otherwise through the asynchronous hooks that `register.mjs` (the `--import`
// preload) registers.
import Module from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runtimeCompilers } from './compilers';
import { loadMarkedImport, loadUserModule, markedForImport, pointModule, POINT_SPECIFIER, resolveUserFile, resolveUserImport } from './hooks';
import { guardExtensions, guardModuleHooks } from './otherLoaders';

interface CompilableModule {
  _compile(code: string, filename: string): unknown;
}
type ExtensionHandler = (module: CompilableModule, filename: string) => void;
interface SyncHooks {
  resolve(specifier: string, context: object, next: (s: string, c?: object) => unknown): unknown;
  load(url: string, context: object, next: (u: string, c?: object) => unknown): unknown;
}

/** The extensions of the user's modules that CommonJS loads through the runtime. */
const EXTENSIONS = ['.js', '.cjs', '.ts', '.cts', '.tsx', '.jsx'];

/** `compilersReleased`: a compiler (amaro, TypeScript) was let go, after its last module loaded. */
export function installModuleLoader(compilersReleased: () => void): void {
  const compilers = runtimeCompilers(__dirname, require as unknown as Parameters<typeof runtimeCompilers>[1], compilersReleased);
  const registerHooks = (Module as unknown as { registerHooks?: (hooks: SyncHooks) => unknown }).registerHooks;
  if (typeof registerHooks === 'function') {
    registerHooks({
      resolve: (specifier, context, next) => {
        const point = pointModule(specifier, __dirname);
        if (point) return { url: point, format: 'commonjs', shortCircuit: true };
        const parent = (context as { parentURL?: string }).parentURL;
        const alias = resolveUserImport(specifier, parent, 'alias');
        if (alias) return markedForImport(alias, context);
        try {
          return markedForImport(next(specifier, context), context);
        } catch (e) {
          const found = resolveUserImport(specifier, parent, 'relative', e);
          if (found) return markedForImport(found, context);
          throw e;
        }
      },
      load: (url, context, next) => {
        const marked = loadMarkedImport(url, compilers, __dirname);
        if (marked) return marked;
        const loaded = loadUserModule(url, compilers, __dirname);
        if (!loaded) return next(url, context);
        // CommonJS without a source goes to the CommonJS loader (our `_extensions` below): with a
        // source, Node would run it with a stripped-down `require` (no cache, no extensions).
        return loaded.format === 'commonjs' ? { format: 'commonjs', shortCircuit: true } : loaded;
      },
    });
  }
  // `require` of the user's files: the runtime's `live-update` module (where the synchronous hooks
  // do not cover require, Node < 22.15), tsconfig aliases, then what Node cannot find alone.
  const moduleStatics = Module as unknown as { _resolveFilename: (request: string, parent?: { filename?: string | null }, ...rest: unknown[]) => string };
  const resolveFilename = moduleStatics._resolveFilename;
  moduleStatics._resolveFilename = function (request, parent, ...rest) {
    if (request === POINT_SPECIFIER) return path.join(__dirname, 'point.js');
    const alias = resolveUserFile(request, parent?.filename, 'alias');
    if (alias) return alias;
    try {
      return resolveFilename.call(this, request, parent, ...rest);
    } catch (e) {
      const found = resolveUserFile(request, parent?.filename, 'relative', e);
      if (found) return found;
      throw e;
    }
  };
  // The user's CommonJS modules are compiled here on every Node: Node's own `.ts` handler (22.6+)
  // would strip types again and append a `//# sourceURL` comment, so the running text would no
  // longer be the one the server computes. A module that is an ES module (and an installed
  // package) goes to Node's own handler: it loads ES modules through the hooks above.
  const extensions = (Module as unknown as { _extensions: Record<string, ExtensionHandler | undefined> })._extensions;
  for (const ext of EXTENSIONS) {
    const nodeHandler = extensions[ext] ?? extensions['.js'];
    extensions[ext] = (module, filename) => {
      const loaded = loadUserModule(pathToFileURL(filename).href, compilers, __dirname);
      if (!loaded || (loaded.format === 'module' && nodeHandler)) return nodeHandler!(module, filename);
      module._compile(loaded.source!, filename);
    };
  }
  // A second TypeScript loader in the launch (tsx, ts-node) steps aside (otherLoaders.ts).
  guardExtensions(extensions, EXTENSIONS);
  guardModuleHooks();
}
