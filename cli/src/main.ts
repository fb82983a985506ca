// Entry of the `live-update` command line (bundled as dist/cli/live-update.js): parses the
// arguments and runs or attaches. Any failure is one line on stderr and exit code 1 (2 for a
// usage error); otherwise `run` exits with the program's own code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, USAGE, type Command } from './args';
import { attachProgram } from './attach';
import { runProgram } from './run';

/** The runtime bundle beside this one (dist/runtime/), in the repository as in the packaged extension. */
const runtimeDir = path.join(__dirname, '..', 'runtime');

async function main(): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`live-update: ${(e as Error).message}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (!fs.existsSync(path.join(runtimeDir, 'index.js'))) throw new Error(`the Live Update runtime is missing (${runtimeDir}/index.js)`);
  return command.kind === 'run' ? runProgram(command, runtimeDir) : attachProgram(command, runtimeDir);
}

// Exit once what was written has left: process.exit alone can cut off output to a pipe.
main().then(
  (code) => process.stdout.write('', () => process.stderr.write('', () => process.exit(code))),
  (e: unknown) => {
    process.stderr.write(`live-update: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
