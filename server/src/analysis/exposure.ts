// Where the analysis turns source text into identities or messages: a member assigned to
// `a[f()].b`, an arrow passed to `p.then(() => {…}).catch`, a top-level `call (function () {…})`.
// An edit inside such a text renames things outside the edited function, so the incremental path
// (incremental.ts) must not take an edit inside one. Recorded only for texts that contain a `{`
// (every function the incremental path reparses has a block body, so a text without one cannot
// contain it), as source ranges, while collectFunctions runs.
import ts from 'typescript';

export interface Exposure {
  start: number;
  end: number;
  /**
   * For a text used only in part (shown when at most 40 characters without whitespace, its first
   * 37 otherwise): the offset after its 37th non-whitespace character, and how many it has. An edit
   * after `headEnd` that leaves it over 40 changes nothing.
   */
  headEnd?: number;
  length?: number;
}

/** The text limit of labels, keys and messages (see functions.ts and topLevel.ts). */
export const SHORT_TEXT = 40;
const SHOWN = 37;

let sink: Exposure[] | undefined;

/** Runs `run`, adding the exposures it records to `into`. */
export function recordExposures<T>(into: Exposure[], run: () => T): T {
  const outer = sink;
  sink = into;
  try {
    return run();
  } finally {
    sink = outer;
  }
}

/** `text` (the node's text, maybe without whitespace) is used whole. */
export function exposed(node: ts.Node, text: string): string {
  return sink ? exposedRange(node.getStart(), node.getEnd(), text) : text;
}

/** `text` (the text from `start` to `end`, maybe without trivia) is used whole. */
export function exposedRange(start: number, end: number, text: string): string {
  if (sink && text.includes('{')) sink.push({ start, end });
  return text;
}

/** `compact` (the node's text without whitespace) is used whole when short, by its head otherwise. */
export function exposedShort(node: ts.Node, compact: string, plain?: string): string {
  if (!compact.includes('{')) return compact;
  // A text with a body in it (an IIFE's function) goes by its text without whitespace, comments
  // and all (`plain`; not syntaxBits' `compactText`): the incremental path counts its length by
  // the characters an edit adds or removes that are not whitespace.
  compact = plain ?? node.getText().replace(/\s+/g, '');
  if (!sink) return compact;
  const start = node.getStart();
  if (compact.length <= SHORT_TEXT) {
    sink.push({ start, end: node.getEnd() });
    return compact;
  }
  const text = node.getSourceFile().text;
  let seen = 0;
  let i = start;
  for (; i < text.length && seen < SHOWN; i++) if (!/\s/.test(text[i]!)) seen++;
  sink.push({ start, end: node.getEnd(), headEnd: i, length: compact.length });
  return compact;
}
