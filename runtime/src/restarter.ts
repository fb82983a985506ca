// Whether this process is a file watcher that restarts the program on every change (`tsx watch`,
// nodemon, `node --watch`, ts-node-dev): under a debugger each of these is a process of its own
// with the runtime preloaded. Live Update cannot keep a program that such a watcher kills at each
// save, so the editor says what to change instead (client/src/targets.ts).
import * as path from 'node:path';

export function restarterOf(argv: readonly string[] = process.argv, execArgv: readonly string[] = process.execArgv): string | undefined {
  const script = (argv[1] ?? '').replace(/\\/g, '/');
  if (/\/(?:tsx\/dist\/cli\.[cm]?js|\.bin\/tsx)$/.test(script) && argv.slice(2).includes('watch')) return 'tsx watch';
  if (/\/(?:nodemon\/bin\/nodemon\.js|\.bin\/nodemon)$/.test(script)) return 'nodemon';
  if (/\/(?:ts-node-dev\/lib\/bin\.js|\.bin\/(?:ts-node-dev|tsnd))$/.test(script)) return 'ts-node-dev';
  if (execArgv.some((a) => a === '--watch' || a.startsWith('--watch-path')) && !process.env.WATCH_REPORT_DEPENDENCIES) return `node --watch`;
  return path.basename(script) === 'node-dev' ? 'node-dev' : undefined;
}
