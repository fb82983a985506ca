// Entry of the Live Update runtime, preloaded into the user's program with
// `--require` (the extension adds it to NODE_OPTIONS, so child processes and workers get it too).
// It registers once per isolate under a global symbol; a second load is a no-op.
import { RUNTIME_GLOBAL_KEY } from '../../common/patch';
import { createApi } from './api';
import { InProcessSession } from './inspectorSession';
import { installTypeScriptLoader } from './loader';
import { SourceRegistry } from './sources';

const key = Symbol.for(RUNTIME_GLOBAL_KEY);
const host = globalThis as unknown as Record<symbol, unknown>;

if (!host[key]) {
  try {
    const session = new InProcessSession();
    const registry = new SourceRegistry(session);
    installTypeScriptLoader(registry);
    Object.defineProperty(host, key, {
      value: Object.freeze(createApi(session, registry)),
      enumerable: false,
      configurable: false,
      writable: false,
    });
  } catch (e) {
    // The program must run even when the runtime cannot: say so once, on stderr, and step aside.
    process.stderr.write(`[live-update] runtime not started: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
