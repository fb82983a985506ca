/**
 * How a Node process gets the Live Update runtime: the arguments to add to NODE_OPTIONS (so child
 * processes and worker threads get them too). The one place that knows the runtime's entry files.
 *
 * `--require index.js` registers the runtime API and the TypeScript loader before any user code;
 * `--import register.mjs` registers the ES module hooks on Node < 22.15 and makes Node 20 load the
 * main entry through the ES module loader, so a `.ts` entry written with `import` runs as a module.
 */
export function runtimeNodeArgs(runtimeDir: string): string[] {
  const dir = runtimeDir.replace(/\/+$/, '');
  return ['--require', `${dir}/index.js`, '--import', 'file://' + `${dir}/register.mjs`.split('/').map(encodeURIComponent).join('/')];
}

/**
 * Under `live-update run`, the folder (the command line's own, mode 0700) where each process of
 * the program writes `<pid>.json` with its inspector's URL, so child processes become targets
 * (runtime/src/announce.ts writes, server/src/cli/programTargets.ts reads).
 */
export const TARGETS_DIR_VARIABLE = 'LIVE_UPDATE_TARGETS_DIR';

/** What a process writes into that folder. */
export interface AnnouncedInspector {
  pid: number;
  ppid: number;
  url: string;
  argv: string[];
}

/** The same, as one NODE_OPTIONS string; values are double-quoted (NODE_OPTIONS splits on spaces). */
export function runtimeNodeOptions(runtimeDir: string): string {
  const args = runtimeNodeArgs(runtimeDir);
  return args.map((a, i) => (i % 2 === 1 ? `"${a.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : a)).join(' ');
}

/**
 * An expression that loads the runtime into a program already running (`live-update attach`),
 * evaluated through the inspector in its global scope, where `require` is not defined: a require
 * made with `createRequire` (through `process.getBuiltinModule`, Node ≥ 20.16, else the main
 * module's constructor). The path reaches the program only as a JSON string literal. Evaluates
 * to true once the runtime is registered.
 */
export function runtimeLoadExpression(runtimeDir: string): string {
  const index = JSON.stringify(`${runtimeDir.replace(/\/+$/, '')}/index.js`);
  return (
    `(() => { const Module = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:module') : process.mainModule && process.mainModule.constructor; ` +
    `if (!Module) throw new Error('cannot reach node:module in this program'); ` +
    `Module.createRequire(${index})(${index}); return true; })()`
  );
}
