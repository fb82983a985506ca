// The command language's syntax: a command name and its arguments, `update`'s lists, and the
// nearest command to a mistyped one. No I/O.

export interface CommandLine {
  name: string;
  /** The text after the name, trimmed. */
  rest: string;
  /** Where `rest` starts in the line. */
  restStart: number;
}

export function splitCommand(line: string): CommandLine {
  const match = /^\s*(\S*)\s*/.exec(line)!;
  const restStart = match[0].length;
  return { name: match[1]!, rest: line.slice(restStart).trimEnd(), restStart };
}

/** `update [<file>|<function>, …] [when <function>, … idle]`. */
export interface UpdateArgs {
  items: string[];
  whenIdle?: string[];
}

export function parseUpdateArgs(rest: string): UpdateArgs | { error: string } {
  const when = /(?:^|\s)when\s+(.*)$/.exec(rest);
  const items = words(when ? rest.slice(0, when.index) : rest);
  if (!when) return { items };
  const condition = /^(.*?)\s*\bidle$/.exec(when[1]!.trim());
  if (!condition) return { error: 'Expected `when <function>, … idle`, e.g. `update when handleRequest idle`.' };
  const whenIdle = words(condition[1]!);
  if (whenIdle.length === 0) return { error: 'Name the functions to wait for: `when <function>, … idle`.' };
  return { items, whenIdle };
}

/** A word, or a quoted one (`"…"` with JSON escapes, `'…'`): paths with spaces are quoted. */
const WORD = /"((?:[^"\\]|\\.)*)"|'([^']*)'|[^\s,"']+/y;

function unquote(match: RegExpExecArray): string {
  if (match[1] !== undefined) {
    try {
      return JSON.parse(`"${match[1]}"`) as string;
    } catch {
      return match[1];
    }
  }
  return match[2] ?? match[0];
}

/** Comma- or space-separated words, quoted ones unquoted. */
export function words(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    const gap = /[\s,]*/y;
    gap.lastIndex = at;
    at += gap.exec(text)![0].length;
    if (at >= text.length) break;
    WORD.lastIndex = at;
    const match = WORD.exec(text);
    if (!match) {
      out.push(text.slice(at));
      break;
    }
    out.push(unquote(match));
    at = WORD.lastIndex;
  }
  return out;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** The candidate nearest to `word`, if near enough to be what was meant (a prefix always is). */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const prefixed = candidates.filter((c) => c.startsWith(word));
  if (word && prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 2)) ? best : undefined;
}
