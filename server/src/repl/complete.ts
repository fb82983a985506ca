// Tab completion: command names first, then each command's arguments — module paths (relative to
// the root) for module arguments, function names for `update` and its `when` list, pending ids.
import type { ReplCompletion } from '../../../common/repl';
import type { Command } from './commands';
import type { CommandContext } from './host';
import { allFiles } from './modules';
import { displayPath } from './format';
import { splitCommand, words } from './parse';
import { functionNames } from './update';

export async function completeLine(table: readonly Command[], context: CommandContext, line: string, cursor: number): Promise<ReplCompletion> {
  const before = line.slice(0, Math.max(0, Math.min(cursor, line.length)));
  // The word being completed starts after the last space or comma.
  const from = Math.max(before.lastIndexOf(' '), before.lastIndexOf(','), before.lastIndexOf('\t')) + 1;
  const prefix = before.slice(from);
  const { name, restStart } = splitCommand(before);
  const matching = (items: Iterable<string>) => [...new Set(items)].filter((i) => i.startsWith(prefix)).sort();
  if (!/\s/.test(before.trimStart())) {
    return { from, items: matching(table.map((c) => c.name)) };
  }
  const command = table.find((c) => c.name === name);
  if (!command) return { from, items: [] };
  const earlier = words(before.slice(restStart, from));
  const modules = async () => allFiles(await context.modules()).map((f) => displayPath(context.host.root, f));
  switch (command.args) {
    case 'command':
      return { from, items: earlier.length ? [] : matching(table.map((c) => c.name)) };
    case 'module':
      return { from, items: earlier.length ? [] : matching(await modules()) };
    case 'pending':
      return { from, items: matching(context.host.engine.pending.all().flatMap((t) => t.pending.map((p) => p.id))) };
    case 'update': {
      const files = allFiles(await context.modules());
      const functions = await functionNames(context, files);
      if (earlier.includes('when')) return { from, items: matching([...functions, 'idle']) };
      return { from, items: matching([...(await modules()), ...functions, 'when']) };
    }
    default:
      return { from, items: [] };
  }
}
