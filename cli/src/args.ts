// The command line's grammar: `live-update run|attach [options] …`. Options come before the
// script (everything after it is the program's own arguments, as with `node`).
import type { WhenActive } from '../../common/patch';
import type { TypeSettings } from '../../server/src/core/typeGatePort';

export const USAGE = `Usage:
  live-update run [options] [node options] <script> [args…]
                                               start a Node.js program (JavaScript or TypeScript)
                                               with Live Update and apply each saved edit to it
  live-update attach [options] <pid|ws-url>    load Live Update into a running Node.js program
                                               (its inspector is opened on 127.0.0.1) and apply
                                               each saved edit to it

Options:
  --no-repl              no command prompt: only apply updates and report them
  --json[=<file>]        one JSON object per line per event (docs/cli.md), to stderr or <file>
  --type-check=<mode>    block (default) | warn | off: hold an update that introduces type errors
  --when-active=<mode>   defer (default) | reject: an update of a function that is running
  --node=<path>          the Node.js executable that runs the program (run; default: this one)
  (node options)         any other option before the script goes to node (run): -r tsconfig-paths/register,
                         --import tsx, --env-file=.env, --conditions=development, …
  --port=<port>          the inspector port to open for a pid (attach; default 9229)
  -h, --help             this text

In the prompt: the command language (type \`help\`); \`quit\` stops the program (run) or
detaches (attach). Ctrl-C is passed to the program as SIGINT.`;

export interface CommonOptions {
  repl: boolean;
  /** Where JSON events go: undefined = none, '' = stderr, else a file. */
  json?: string;
  typeCheck: TypeSettings['typeCheck'];
  whenActive: Extract<WhenActive, 'defer' | 'reject'>;
}

export type Command =
  | { kind: 'help' }
  | ({ kind: 'run'; script: string; args: string[]; node?: string; nodeArgs: string[] } & CommonOptions)
  | ({ kind: 'attach'; target: string; port: number } & CommonOptions);

/** Node options that take their value as the next argument (`-r x`); others are one word or `--flag=value`. */
const NODE_OPTIONS_WITH_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--env-file', '--input-type', '--title', '--stack-size']);

/** Parses argv (without node and the script); throws an Error whose message is one line. */
export function parseArgs(argv: readonly string[]): Command {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '-h' || verb === '--help' || verb === 'help') return { kind: 'help' };
  if (verb !== 'run' && verb !== 'attach') throw new Error(`unknown command \`${verb}\` (expected run or attach; see --help)`);
  const options: CommonOptions = { repl: true, typeCheck: 'block', whenActive: 'defer' };
  let node: string | undefined;
  let port = 9229;
  const nodeArgs: string[] = [];
  let i = 0;
  for (; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('-')) break;
    const [flag, value] = splitFlag(arg);
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '--no-repl':
        options.repl = false;
        break;
      case '--json':
        options.json = value ?? '';
        break;
      case '--type-check':
        options.typeCheck = oneOf(flag, value, ['block', 'warn', 'off'] as const);
        break;
      case '--when-active':
        options.whenActive = oneOf(flag, value, ['defer', 'reject'] as const);
        break;
      case '--node':
        node = required(flag, value);
        break;
      case '--port': {
        port = Number(required(flag, value));
        if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`--port needs a port number, not \`${value}\``);
        break;
      }
      case '--':
        i++;
        break;
      default:
        // `run` passes other options to node, as `node [options] script` would take them.
        if (verb !== 'run') throw new Error(`unknown option \`${arg}\` (see --help)`);
        nodeArgs.push(arg);
        if (NODE_OPTIONS_WITH_VALUE.has(arg)) {
          if (rest[i + 1] === undefined) throw new Error(`${arg} needs a value`);
          nodeArgs.push(rest[++i]!);
        }
    }
    if (flag === '--') break;
  }
  const operand = rest[i];
  if (verb === 'run') {
    if (operand === undefined) throw new Error('run needs the script to start (see --help)');
    return { kind: 'run', script: operand, args: rest.slice(i + 1), nodeArgs, ...(node !== undefined ? { node } : {}), ...options };
  }
  if (operand === undefined) throw new Error('attach needs a process id or an inspector URL (see --help)');
  if (rest.length > i + 1) throw new Error(`attach takes one process id or inspector URL, not \`${rest.slice(i).join(' ')}\``);
  return { kind: 'attach', target: operand, port, ...options };
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

function required(flag: string, value: string | undefined): string {
  if (!value) throw new Error(`${flag} needs a value: ${flag}=…`);
  return value;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${flag} must be one of ${allowed.join(', ')}${value === undefined ? '' : `, not \`${value}\``}`);
}
