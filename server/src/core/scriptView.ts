// Which script of a target a save updates, and how positions in it map to the saved file: the
// saved file itself, the JavaScript tsc built from it, a rollback's text, or a few functions of it
// spliced into what runs (the REPL's `update f`). The planner reads a save through its view.
import { hashText, type IdleCondition, type ModuleStep, type Position } from '../../../common/patch';
import { accessorFormOf, hasModuleSyntax, isTypeScriptFile, moduleFormat } from '../../../common/runningText';
import type { FileChanges } from '../analysis/changes';
import type { FunctionInfo } from '../analysis/functions';
import { findBuiltOutput, sourcePosition } from './builtOutput';
import { runningTextOf, type SavedText } from './savedText';

export interface ScriptView {
  /** The file the target runs: the saved file, or the JavaScript tsc built from it. */
  running: string;
  saved: SavedText;
  /** Take only changed functions into the running text (compiled output), never the whole text. */
  splice: boolean;
  /** Maps a position in the running file to the saved file; absent when they are the same. */
  toSource?: (p: Position) => Position;
  /** Apply only once these functions of the running file are inactive. */
  whenIdle?: string[];
  /** A rollback: the version whose text `saved` is (the patch says so to the runtime). */
  restores?: number;
  /** Module steps to run with the update (a rollback's reverse transformers). */
  steps?: ModuleStep[];
  /** The saved source itself, when the target runs the saved file (see asNodeLoadedIt). */
  source?: string;
  /** Only these functions' changes (`SaveOptions.only`). */
  only?: string[];
}

/** The view of a saved TypeScript file of a tsc project with an outDir; null when it is not one. */
export function builtView(file: string, text: string): ScriptView | null {
  const output = findBuiltOutput(file);
  if (!output) return null;
  const compiled = output.compile(text);
  if ('errors' in compiled) {
    return { running: output.jsFile, saved: { ok: false, syntaxErrors: compiled.errors }, splice: true };
  }
  const running = runningTextOf(output.jsFile, compiled.code);
  return {
    running: output.jsFile,
    saved: running,
    splice: true,
    // The appended scope accessor comes after the code, so positions in the code map as compiled.
    toSource: (p) => sourcePosition(compiled.code, compiled.map, p) ?? { line: 0, column: 0 },
  };
}

/**
 * A JavaScript module Node loaded before the runtime was (`live-update attach`) runs its file as
 * written: no scope accessor, no const-as-let. Its save is compared and sent as written too, so
 * that an edit of a function is only that (against the running text's form, every top-level
 * `const` would look changed, and re-evaluating it needs the accessor the module lacks).
 * Undefined when the target runs the running-text form, as every module the runtime loaded does.
 */
export function asNodeLoadedIt(view: ScriptView, baselineText: string): (SavedText & { ok: true }) | undefined {
  if (view.source === undefined || isTypeScriptFile(view.running) || accessorFormOf(baselineText, view.running) !== undefined) return undefined;
  return { ok: true, code: view.source, hash: hashText(view.source), positionExact: true };
}

/**
 * The changes of the named functions alone (display names or paths), nested ones with their
 * parent: no top-level change, nothing added or removed, since the text that runs keeps its top level.
 */
export function onlyFunctions(changes: FileChanges, names: string[]): FileChanges {
  const wanted = new Set(names);
  return {
    ...changes,
    changed: changes.changed.filter((c) => wanted.has(c.after.displayName) || wanted.has(c.after.path)),
    added: [],
    removed: [],
    topLevelChanged: false,
    rawTopLevelChanged: false,
    topLevel: [],
    dangling: [],
    moved: changes.moved.filter((p) => changes.changed.some((c) => c.after.path === p && (wanted.has(c.after.displayName) || wanted.has(p)))),
  };
}

/** The changes with every position a diagnostic may use mapped to the saved file. */
export function mapChanges(changes: FileChanges, toSource: ((p: Position) => Position) | undefined): FileChanges {
  if (!toSource) return changes;
  const fn = (f: FunctionInfo): FunctionInfo => ({ ...f, nameStart: toSource(f.nameStart), nameEnd: toSource(f.nameEnd) });
  return {
    ...changes,
    changed: changes.changed.map((c) => ({ ...c, before: c.before, after: fn(c.after) })),
    added: changes.added.map(fn),
    topLevel: changes.topLevel.map((t) => ({ ...t, statement: { ...t.statement, anchorStart: toSource(t.statement.anchorStart), anchorEnd: toSource(t.statement.anchorEnd) } })),
    dangling: changes.dangling.map((d) => ({ ...d, at: toSource(d.at) })),
  };
}

/** The functions named by an `update … when … idle`, where the running file has them. */
export function idleConditions(file: string, functions: FunctionInfo[], names: string[]): IdleCondition[] {
  return functions
    .filter((f) => names.includes(f.displayName) || names.includes(f.path))
    .map((f) => ({ name: f.displayName, file, start: f.start, end: f.end, isAsync: f.isAsync, isGenerator: f.isGenerator }));
}

/** Whether the program runs `file` as an ES module, decided as the runtime's loader decides. */
export function isModule(file: string, code: string): boolean {
  const format = moduleFormat(file, code);
  // A typeless .js file with module syntax: Node 22+ detects it as a module.
  return format === 'module' || (format === undefined && hasModuleSyntax(code));
}
