// The compilers of the user's modules as the runtime has them (common/runningText's `Compilers`):
// amaro (type blanking) and TypeScript (the transform of what blanking cannot run), files the build
// puts beside the runtime. Each loads with the first module that needs it — often never, thanks to
// the disk cache — and is let go after a few seconds without use: TypeScript alone adds tens of
// megabytes to the program's heap, and every later LiveEdit walks the whole heap.
import * as path from 'node:path';
import type { Compilers, TypeStripper } from '../../common/runningText';
import type { TypeScriptApi } from '../../common/transpile';
import { clearTimeout, setTimeout } from './clock';
import { cachedStripper, cachedTranspiler } from './compileCache';

/** How long a compiler stays loaded after its last use. */
const IDLE_MS = 5_000;

interface ModuleRequire {
  (file: string): unknown;
  cache: Record<string, { parent?: { children?: unknown[] } | null } | undefined>;
}

/**
 * The runtime's compilers, loaded with `load` (the runtime's own `require`) from `runtimeDir`.
 * `released` is called when one is let go: the main thread then collects the garbage once, for
 * a compiler left for the next collection still costs every LiveEdit (measured on a NestJS app,
 * Node 24: 600 ms with TypeScript loaded or uncollected, 190 ms after the collection).
 */
export function runtimeCompilers(runtimeDir: string, load: ModuleRequire, released: () => void = () => undefined): Compilers {
  const amaro = path.join(runtimeDir, 'amaro.js');
  const typescript = path.join(runtimeDir, 'typescript.js');
  return {
    strip: cachedStripper(lazily<TypeStripper>(amaro, load, released), amaro),
    transpile: cachedTranspiler(lazily<TypeScriptApi>(typescript, load, released), typescript),
  };
}

/** A module loaded on first use and unloaded (out of the require cache, so collectable) when idle. */
function lazily<T>(file: string, load: ModuleRequire, released: () => void): () => T {
  let loaded: T | undefined;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const release = () => {
    loaded = undefined;
    const entry = load.cache[file];
    delete load.cache[file];
    const siblings = entry?.parent?.children;
    if (siblings) {
      const at = siblings.indexOf(entry);
      if (at >= 0) siblings.splice(at, 1);
    }
    released();
  };
  return () => {
    loaded ??= load(file) as T;
    if (idle) clearTimeout(idle);
    idle = setTimeout(release, IDLE_MS);
    idle.unref();
    return loaded;
  };
}
