// `update [<file>|<function>, …] [when <function>, … idle]`: applies the current text of files (the
// editor's, else the disk's) through the engine, exactly as a save does; with function names, only
// those functions' changes (the engine splices them into the text that runs); with `when … idle`,
// once those functions are inactive. Without files or functions: every file the programs run
// whose current text differs from what runs (a file whose update is held says why).
import type { ReplLine } from '../../../common/repl';
import type { SaveOutcome } from '../core/updateEngine';
import { collectFunctions } from '../analysis/functions';
import type { CommandContext } from './host';
import { allFiles, looksLikePath, resolveModule } from './modules';
import { displayPath, errorLine, line } from './format';
import { parseUpdateArgs } from './parse';

/** One file's update: its whole text, or only some functions. */
interface FileUpdate {
  file: string;
  only?: string[];
}

export async function updateCommand(context: CommandContext, rest: string): Promise<ReplLine[]> {
  const { host } = context;
  const args = parseUpdateArgs(rest);
  if ('error' in args) return [errorLine(args.error)];
  if (host.port.targets().length === 0) return [errorLine('No program is running.')];
  const files = allFiles(await context.modules());
  const definedIn = functionIndex(context, files);

  const updates: FileUpdate[] = [];
  const functions = new Map<string, string[]>();
  for (const item of args.items) {
    const resolved = resolveModule(item, files, host.root);
    if ('file' in resolved) {
      updates.push({ file: resolved.file });
      continue;
    }
    if (looksLikePath(item)) return [errorLine(resolved.error)];
    const where = await definedIn(item);
    if (where.length === 0) return [errorLine(`No function ${item} in the files the programs run (and no such module).`)];
    for (const file of where) functions.set(file, [...(functions.get(file) ?? []), item]);
  }
  for (const [file, only] of functions) if (!updates.some((u) => u.file === file)) updates.push({ file, only });
  if (args.items.length === 0) {
    // `update when f idle`: the files that define f; plain `update`: every file the programs run.
    const chosen = args.whenIdle ? [...new Set((await Promise.all(args.whenIdle.map(definedIn))).flat())] : files;
    if (args.whenIdle && chosen.length === 0) return [errorLine(`No function ${args.whenIdle.join(', ')} in the files the programs run.`)];
    updates.push(...chosen.map((file) => ({ file })));
  }
  if (updates.length === 0) return [line('No file of a running program to update.', 'dim')];

  const lines: ReplLine[] = [];
  let unchanged = 0;
  for (const update of updates) {
    const text = await host.textOf(update.file);
    if (text === undefined) {
      lines.push(errorLine(`Cannot read ${displayPath(host.root, update.file)}.`));
      continue;
    }
    const outcome = await apply(context, update, text, args.whenIdle);
    if (!outcome) continue;
    await host.publish(update.file, outcome);
    if (outcome.report.outcome === 'no-change' && args.items.length === 0) {
      unchanged++;
      continue;
    }
    lines.push(...outcomeLines(context, update, outcome));
  }
  if (lines.length === 0) lines.push(line(`Nothing to update: the programs run the current text of ${unchanged === 1 ? 'their file' : `all ${unchanged} files`}.`, 'dim'));
  return lines;
}

function apply({ host }: CommandContext, update: FileUpdate, text: string, whenIdle: string[] | undefined): Promise<SaveOutcome> | undefined {
  if (update.only) return host.engine.onSave(update.file, text, { only: update.only, ...(whenIdle ? { whenIdle } : {}) });
  if (whenIdle) return host.engine.applyWhenIdle(update.file, whenIdle, text);
  return host.engine.onSave(update.file, text);
}

function outcomeLines({ host }: CommandContext, update: FileUpdate, { report, diagnostics }: SaveOutcome): ReplLine[] {
  const name = displayPath(host.root, update.file);
  if (report.outcome === 'no-change') {
    return [line(update.only ? `${name}: ${update.only.join(', ')} run${update.only.length === 1 ? 's' : ''} as written; nothing to apply.` : `${name}: the programs run its current text; nothing to apply.`, 'dim')];
  }
  const style = report.outcome === 'applied' ? 'ok' : report.outcome === 'rejected' ? 'error' : 'warn';
  const out = [line(report.summary, style)];
  // Why an update was held or only partly applied: the diagnostics' sentences, at their lines.
  if (report.outcome !== 'applied') {
    for (const d of diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning').slice(0, 5)) {
      out.push(line(`  ${name}:${d.start.line + 1}: ${d.message.split('\n')[0]}`, 'dim'));
    }
  }
  return out;
}

/** Finds which files define a function (display name or path), in their current text; built once. */
function functionIndex(context: CommandContext, files: string[]): (name: string) => Promise<string[]> {
  let index: Promise<Map<string, Set<string>>> | undefined;
  return async (name) => [...((await (index ??= definitions(context, files))).get(name) ?? [])];
}

/** Every named function of the running files' current text (completion). */
export async function functionNames(context: CommandContext, files: string[]): Promise<string[]> {
  return [...(await definitions(context, files)).keys()].filter((n) => !n.includes('<')).sort();
}

/** Function name or path → the files whose current text defines it. */
async function definitions({ host }: CommandContext, files: string[]): Promise<Map<string, Set<string>>> {
  const names = new Map<string, Set<string>>();
  for (const file of files) {
    const text = await host.textOf(file);
    if (text === undefined) continue;
    try {
      for (const fn of collectFunctions(file, text).functions) {
        for (const n of new Set([fn.displayName, fn.path])) names.set(n, (names.get(n) ?? new Set()).add(file));
      }
    } catch {
      // A file that does not parse defines nothing here; updating it says why.
    }
  }
  return names;
}
