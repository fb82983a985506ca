// Other TypeScript loaders in the same launch (`--import tsx`, `-r ts-node/register`, a `tsx`
// runtimeExecutable, @swc-node/register, esbuild-register): each would compile the user's files its
// own way, so the program would run other text than the running text the server computes, and no
// update could apply. The runtime is preloaded first and loads TypeScript itself (all they do and
// decorator metadata too), so it takes their place: their module hooks are not registered, and
// their CommonJS compilers are not installed over the runtime's. Their resolvers (tsconfig paths,
// tsx's) stay: they only find files. The program is told once, on stderr, which loader stepped aside.
import Module from 'node:module';
import { fileURLToPath } from 'node:url';

/** Files of the loaders that compile TypeScript (or modern JavaScript) in place of the runtime. */
const TS_LOADER = /[\\/]node_modules[\\/](tsx|ts-node|@swc-node[\\/]register|esbuild-register|@esbuild-kit[\\/](?:cjs|esm)-loader|sucrase)[\\/]/;

const announced = new Set<string>();

/** Which known loader the current call comes from (its name), from the call's stack. */
function callingLoader(extra?: string): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const match = TS_LOADER.exec(`${extra ?? ''}\n${stack}`);
  return match ? match[1]!.replace(/\\/g, '/') : undefined;
}

function stepAside(loader: string): void {
  if (announced.has(loader)) return;
  announced.add(loader);
  process.stderr.write(`[live-update] ${loader} is in this launch too: Live Update compiles your TypeScript itself (so saves can go live), and ${loader}'s compiler is not used.\n`);
}

/**
 * Keeps `extensions[ext]` (the runtime's CommonJS compilers) from being replaced by a known loader;
 * anything else that installs a compiler (a coverage tool) replaces it as usual, and usually wraps it.
 */
export function guardExtensions(extensions: Record<string, unknown>, exts: readonly string[]): void {
  for (const ext of exts) {
    let handler = extensions[ext];
    Object.defineProperty(extensions, ext, {
      configurable: true,
      enumerable: true,
      get: () => handler,
      set: (value: unknown) => {
        const loader = callingLoader();
        if (loader) return stepAside(loader);
        handler = value;
      },
    });
  }
}

/** Keeps known loaders from registering ES module hooks (`module.register`, `module.registerHooks`). */
export function guardModuleHooks(): void {
  const statics = Module as unknown as Record<string, unknown> & { syncBuiltinESMExports?: () => void };
  for (const name of ['register', 'registerHooks'] as const) {
    const original = statics[name];
    if (typeof original !== 'function') continue;
    statics[name] = function (this: unknown, ...args: unknown[]) {
      const loader = callingLoader(hookLocation(args));
      if (loader) return stepAside(loader);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  // `import { register } from 'node:module'` reads the ES module view of the built-in: update it.
  statics.syncBuiltinESMExports?.();
}

/** Where `module.register(specifier, parentURL)` points, as a path (undefined when it cannot tell). */
function hookLocation(args: unknown[]): string | undefined {
  const [specifier, parent] = args;
  if (typeof specifier !== 'string' && !(specifier instanceof URL)) return undefined;
  try {
    const options = parent && typeof parent === 'object' && !(parent instanceof URL) ? (parent as { parentURL?: string | URL }).parentURL : parent;
    const url = new URL(String(specifier), options ? String(options) : undefined);
    return url.protocol === 'file:' ? fileURLToPath(url) : url.href;
  } catch {
    return undefined;
  }
}
