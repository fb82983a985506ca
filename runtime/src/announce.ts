// Under `live-update run`, every Node process of the program (the one it starts, and any child
// process: the runtime rides in NODE_OPTIONS) tells the command line where its inspector is, so
// each becomes a target, as js-debug makes each a child session in VS Code. The command line names
// a folder of its own (LIVE_UPDATE_TARGETS_DIR, mode 0700); a process opens its inspector on
// loopback if it has none (a child started without `--inspect`) and writes `<pid>.json` there.
// Nothing is done, and nothing can fail loudly, without that variable.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TARGETS_DIR_VARIABLE, type AnnouncedInspector } from '../../common/nodeOptions';

export function announceInspector(): void {
  const dir = process.env[TARGETS_DIR_VARIABLE];
  if (!dir) return;
  try {
    const inspector = require('node:inspector') as typeof import('node:inspector');
    if (!inspector.url()) inspector.open(0, '127.0.0.1', false);
    const url = inspector.url();
    if (!url) return;
    const file = path.join(dir, `${process.pid}.json`);
    const announced: AnnouncedInspector = { pid: process.pid, ppid: process.ppid, url, argv: process.argv.slice(1) };
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(announced));
    fs.renameSync(`${file}.tmp`, file);
  } catch (e) {
    process.stderr.write(`[live-update] this process cannot be updated: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
