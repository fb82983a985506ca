// The command language's data shapes (DYMOS's command interpreter), shared by its one
// implementation (server/src/repl/) and its two front ends: the Live REPL terminal in VS Code
// (client/src/repl/) and the `live-update` command line (cli/src/). Types and the
// terminal rendering only: no I/O.

/** How a front end shows a line: colour in a terminal, nothing else. */
export type ReplStyle = 'plain' | 'result' | 'error' | 'ok' | 'warn' | 'heading' | 'dim';

export interface ReplLine {
  text: string;
  style?: ReplStyle;
}

/** What one command line answered. */
export interface ReplResponse {
  lines: ReplLine[];
  /** `quit`: the front end closes. */
  quit?: boolean;
}

/** Tab completion of `line` at `cursor`: replace `line.slice(from, cursor)` by one of `items`. */
export interface ReplCompletion {
  from: number;
  items: string[];
}

/** One target's answer to an evaluation (Evaluate Selection, `eval`). */
export interface TargetEvaluation {
  targetId: string;
  targetName: string;
  ok: boolean;
  /** The pretty-printed value, or the one-line error. */
  text: string;
}

export interface ReplEvaluation {
  results: TargetEvaluation[];
  /** The same as REPL lines (what the REPL prints for it). */
  lines: ReplLine[];
}

const ANSI: Record<ReplStyle, [string, string]> = {
  plain: ['', ''],
  result: ['\x1b[36m', '\x1b[39m'],
  error: ['\x1b[31m', '\x1b[39m'],
  ok: ['\x1b[32m', '\x1b[39m'],
  warn: ['\x1b[33m', '\x1b[39m'],
  heading: ['\x1b[1m', '\x1b[22m'],
  dim: ['\x1b[2m', '\x1b[22m'],
};

/** Renders lines for a terminal: `\n`-separated, coloured with ANSI when `color`. */
export function renderReplLines(lines: readonly ReplLine[], color: boolean): string {
  return lines
    .map(({ text, style = 'plain' }) => (color && style !== 'plain' ? `${ANSI[style][0]}${text}${ANSI[style][1]}` : text))
    .join('\n');
}
