// The commands that show a program's state or change its version: `status`, `targets`, `pending`,
// `cancel`, `history`, `rollback`, `stack`, `points`. Reuse the engine's pending tracker and
// core/rollback.ts; the programs are asked through the port.
import type { ReplLine } from '../../../common/repl';
import type { TargetInfo } from '../../../common/reports';
import { rollback, targetHistories } from '../core/rollback';
import type { CommandContext } from './host';
import { clockTime, STATE_TEXT } from '../../../common/liveStates';
import { displayPath, errorLine, line, location, plural } from './format';
import { words } from './parse';

export async function targetsCommand(context: CommandContext): Promise<ReplLine[]> {
  const targets = context.host.port.targets();
  if (targets.length === 0) return [line('No program is running.', 'dim')];
  const modules = await context.modules();
  return targets.map((t) => line(`${t.name}  ${dimId(t)}${modules.has(t.id) ? `  ${plural(modules.get(t.id)!.length, 'module')}` : ''}`));
}

export async function statusCommand(context: CommandContext): Promise<ReplLine[]> {
  const { port, engine } = context.host;
  const targets = port.targets();
  if (targets.length === 0) return [line('No program is running.', 'dim')];
  const [histories, modules] = await Promise.all([targetHistories(port, { limit: 1 }), context.modules()]);
  const waiting = engine.pending.all();
  const lines: ReplLine[] = [line(plural(targets.length, 'program') + ' running', 'heading')];
  for (const t of targets) {
    const history = histories.find((h) => h.targetId === t.id);
    const version = history?.history ? `version ${history.history.current}` : `version unknown (${history?.error ?? 'no answer'})`;
    const pending = waiting.find((p) => p.targetId === t.id)?.pending.length ?? 0;
    const count = modules.has(t.id) ? `, ${plural(modules.get(t.id)!.length, 'module')}` : '';
    lines.push(line(`${t.name}: ${version}${count}, ${pending ? `${plural(pending, 'update')} ${STATE_TEXT.waiting.word}` : `nothing ${STATE_TEXT.waiting.word}`}`, pending ? 'warn' : 'plain'));
  }
  return lines;
}

export async function pendingCommand(context: CommandContext): Promise<ReplLine[]> {
  const { host } = context;
  const all = host.engine.pending.all().filter((t) => t.pending.length > 0);
  if (all.length === 0) return [line(`Nothing is ${STATE_TEXT.waiting.word}.`, 'dim')];
  const lines: ReplLine[] = [];
  for (const target of all) {
    lines.push(line(`${target.targetName}:`, 'heading'));
    for (const p of target.pending) {
      const waitingFor = p.waitingFor?.length ? `, waiting for ${p.waitingFor.join(', ')} to be idle` : '';
      lines.push(line(`  ${p.patchId}  ${displayPath(host.root, p.file)}: ${p.functions.join(', ')} (since ${clockTime(p.since, host.locale)}${waitingFor}; dropped at ${clockTime(p.deadline, host.locale)} unless it lands)`, 'warn'));
      for (const a of p.activations) lines.push(line(`    ${a.function} is ${a.kind === 'suspended' ? 'suspended' : 'on the stack'}${a.file !== undefined && a.line !== undefined ? ` at ${location(host.root, a.file, a.line, a.column ?? 0)}` : ''}`, 'dim'));
    }
  }
  return lines;
}

export async function cancelCommand(context: CommandContext, rest: string): Promise<ReplLine[]> {
  const asked = words(rest);
  // `pending` shows the patch id (`p3`); a pending id proper (`p3:/path/file.js`) is accepted too.
  const known = context.host.engine.pending.all().flatMap((t) => t.pending);
  const ids = new Set<string>();
  const unknown: string[] = [];
  for (const word of asked) {
    const matches = known.filter((p) => p.id === word || p.patchId === word);
    if (matches.length === 0) unknown.push(word);
    for (const p of matches) ids.add(p.id);
  }
  if (unknown.length) return [errorLine(`No pending update ${unknown.join(', ')} (see \`pending\`).`)];
  const count = await context.host.engine.cancelPending(asked.length ? [...ids] : undefined);
  return [count ? line(`Cancelled ${plural(count, 'waiting update')}.`, 'ok') : line(`Nothing is ${STATE_TEXT.waiting.word}.`, 'dim')];
}

export async function historyCommand(context: CommandContext, rest: string): Promise<ReplLine[]> {
  const limit = rest ? Number(rest) : 20;
  if (!Number.isInteger(limit) || limit <= 0) return [errorLine('Usage: history [<how many>]')];
  const histories = await targetHistories(context.host.port, { limit });
  if (histories.length === 0) return [line('No program is running.', 'dim')];
  const lines: ReplLine[] = [];
  for (const h of histories) {
    lines.push(line(`${h.targetName}:`, 'heading'));
    if (!h.history) {
      lines.push(errorLine(`  ${h.error ?? 'no answer'}`));
      continue;
    }
    const { versions, current, oldestRestorable } = h.history;
    if (versions.length === 0) lines.push(line('  version 0: the program as it started (no update yet)', 'dim'));
    for (const v of versions) {
      const files = v.files.map((f) => displayPath(context.host.root, f.file)).join(', ');
      const what = v.restores !== undefined ? `restores version ${v.restores}` : v.functions.length ? v.functions.join(', ') : 'top level';
      const marks = `${v.version === current ? ' (current)' : ''}${v.version < oldestRestorable ? ' (no longer restorable)' : ''}`;
      lines.push(line(`  ${v.version}  ${clockTime(v.at, context.host.locale)}  ${files}: ${what}${v.outcome === 'partial' ? `, part ${STATE_TEXT.waiting.word}` : ''}${marks}`, v.version === current ? 'ok' : 'plain'));
    }
  }
  return lines;
}

export async function rollbackCommand(context: CommandContext, rest: string): Promise<ReplLine[]> {
  const version = rest ? Number(rest) : undefined;
  if (version !== undefined && (!Number.isInteger(version) || version < 0)) return [errorLine(`There is no version ${rest}: versions are 0 (the program as it started), 1, 2, …`)];
  const result = await rollback(context.host.engine, context.host.port, version === undefined ? {} : { version }, context.host.publish);
  return result.summary.split('\n').map((text) => line(text, result.ok ? 'ok' : 'error'));
}

export async function stackCommand(context: CommandContext): Promise<ReplLine[]> {
  const { port, engine, root } = context.host;
  const targets = port.targets();
  if (targets.length === 0) return [line('No program is running.', 'dim')];
  const lines: ReplLine[] = [];
  for (const t of targets) {
    lines.push(line(`${t.name}:`, 'heading'));
    const live = await port.call(t.id, 'stack', {});
    if ('error' in live) lines.push(errorLine(`  stack: ${live.error}`));
    else if (live.frames.length === 0) lines.push(line('  running (not paused): no frame of the program is on the stack', 'dim'));
    else for (const f of live.frames) lines.push(line(`  at ${f.functionName} (${location(root, f.file, f.line, f.column)})`));
    // Activations that hold pending updates back: the suspended async functions and generators.
    const pending = engine.pending.all().find((p) => p.targetId === t.id)?.pending ?? [];
    for (const p of pending) {
      for (const a of p.activations) {
        const where = a.file !== undefined && a.line !== undefined ? ` (${location(root, a.file, a.line, a.column ?? 0)})` : '';
        lines.push(line(`  ${a.kind === 'suspended' ? 'suspended' : 'active'}: ${a.function}${where}, holding update ${p.patchId}`, 'warn'));
      }
    }
  }
  return lines;
}

export async function pointsCommand(context: CommandContext): Promise<ReplLine[]> {
  const { port, root } = context.host;
  const targets = port.targets();
  if (targets.length === 0) return [line('No program is running.', 'dim')];
  const lines: ReplLine[] = [];
  for (const t of targets) {
    const state = await port.call(t.id, 'points', {});
    if ('error' in state) {
      lines.push(errorLine(`${t.name}: ${state.error}`));
      continue;
    }
    lines.push(line(`${t.name}: ${plural(state.total, 'update point')} reached`, 'heading'));
    if (state.total === 0) lines.push(line('  (add `updatePoint()` from `live-update` in a long-running loop)', 'dim'));
    for (const s of state.sites) lines.push(line(`  ${location(root, s.file, s.line, s.column)}  in ${s.functionName}  ~${s.approximateCount} calls, last seen at ${clockTime(s.lastSeen, context.host.locale)}`));
  }
  return lines;
}

function dimId(t: TargetInfo): string {
  return `[${t.id}]`;
}
