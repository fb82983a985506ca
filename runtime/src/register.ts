// The `--import` preload. Its presence alone makes Node 20 load the main entry through the ES
// module loader, so a `.ts` entry written with `import` runs as a module; on Node < 22.15 it also
// registers the asynchronous hooks for ES modules. Newer Node needs nothing here: the `--require`
// preload (index.js) registered synchronous hooks that cover both module systems.
import Module from 'node:module';

const nodeModule = Module as unknown as {
  registerHooks?: unknown;
  register?: (specifier: string, parentURL: string) => void;
};
if (typeof nodeModule.registerHooks !== 'function' && typeof nodeModule.register === 'function') {
  try {
    nodeModule.register('./esm-hooks.mjs', import.meta.url);
  } catch (e) {
    process.stderr.write(`[live-update] ES module hooks not registered: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
