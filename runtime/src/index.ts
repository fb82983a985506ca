// Entry of the Live Update runtime, preloaded into the user's program with `--require` (beside
// `--import register.mjs`; the extension adds both to NODE_OPTIONS, so child processes and
// workers get them too).
// It registers once per isolate under a global symbol; a second load is a no-op.
import { RUNTIME_GLOBAL_KEY } from '../../common/patch';
import { announceInspector } from './announce';
import { createApi, internalThreadApi } from './api';
import { InProcessSession } from './inspectorSession';
import { installModuleLoader } from './loader';
import { ModuleScopes } from './scopes';

const key = Symbol.for(RUNTIME_GLOBAL_KEY);
const host = globalThis as unknown as Record<symbol, unknown>;

if (!host[key]) {
  try {
    const api = isInternalThread() ? internalThreadApi() : startRuntime();
    Object.defineProperty(host, key, { value: Object.freeze(api), enumerable: false, configurable: false, writable: false });
    if (require('node:worker_threads').isMainThread) announceInspector();
  } catch (e) {
    // The program must run even when the runtime cannot: say so once, on stderr, and step aside.
    process.stderr.write(`[live-update] runtime not started: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

function startRuntime() {
  const session = new InProcessSession();
  const scopes = new ModuleScopes();
  scopes.install(host);
  // A compiler let go after start-up is garbage until the next full collection, and every
  // LiveEdit walks the whole heap: collect it once, while the program is idle enough for a timer.
  let collecting = false;
  installModuleLoader(() => {
    if (collecting) return;
    collecting = true;
    session.postLater('HeapProfiler.collectGarbage', () => (collecting = false));
  });
  return createApi(session, scopes);
}

/**
 * Node < 22.15 runs module hooks in a thread of its own, which preloads this file too and which
 * the debugger lists like a worker. It is not the user's: it gets a runtime that says so.
 */
function isInternalThread(): boolean {
  const threads = require('node:worker_threads') as { isMainThread: boolean; isInternalThread?: boolean };
  if (threads.isMainThread) return false;
  if (typeof threads.isInternalThread === 'boolean') return threads.isInternalThread;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return /node:internal\/modules\/esm\/worker/.test(stack);
}
