// Versions and rollback, for the commands "Show Update History" and "Roll Back to Version…" (and
// the REPL's `history` and `rollback <version>`). Each program numbers its own versions and names
// the running texts around them by hash (runtime/src/versions.ts); the texts are the server's, in
// a store on disk (runningTexts.ts), so a restarted server can still roll back. A rollback is an update of its own: for each target, the texts that target ran at the
// version are applied through the engine as a save would be (analysis, the checks that hold an
// update, activeness policies, diagnostics), and the runtime records it as a new version that
// says which one it restores. Knows nothing of LSP.
import * as path from 'node:path';
import type { ModuleStep, StepKind, VersionFile, VersionHistory, VersionStep } from '../../../common/patch';
import type { HistoryRequest, RollbackRequest, RollbackResult, TargetHistory, TargetInfo, TargetRollback } from '../../../common/reports';
import type { SaveOutcome, UpdateEngine } from './updateEngine';
import type { TargetPort } from './targetPort';
import type { RunningTexts } from './runningTexts';
import { reverseTransformerStep, TRANSFORMER_PREFIX } from '../analysis/transformers';

/** Each target's versions (newest `limit` when given); with `request.texts`, each file's texts this server's store holds. */
export async function targetHistories(port: TargetPort, request: HistoryRequest = {}, store?: RunningTexts): Promise<TargetHistory[]> {
  const targets = port.targets().filter((t) => request.target === undefined || t.id === request.target);
  return Promise.all(
    targets.map(async (t): Promise<TargetHistory> => {
      try {
        const { limit, since, until, texts } = request;
        const history = await port.call(t.id, 'history', { ...(limit ? { limit } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}), ...(texts ? { texts } : {}) });
        if ('error' in history) return { targetId: t.id, targetName: t.name, error: history.error };
        return { targetId: t.id, targetName: t.name, history: texts && store ? withTexts(history, store) : history };
      } catch (e) {
        return { targetId: t.id, targetName: t.name, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}

function withTexts(history: VersionHistory, store: RunningTexts): VersionHistory {
  const files = (f: VersionFile): VersionFile => {
    const before = f.before ?? store.get(f.beforeHash);
    const after = f.after ?? store.get(f.afterHash);
    return { ...f, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
  };
  return { ...history, versions: history.versions.map((v) => ({ ...v, files: v.files.map(files) })) };
}

/**
 * Restores `request.version` in each target (or the one named). `publish` is called with each
 * file's outcome as it is known (diagnostics and the `DidUpdate` report, as for a save).
 */
export async function rollback(engine: UpdateEngine, port: TargetPort, request: RollbackRequest, publish: (file: string, outcome: SaveOutcome) => Promise<void>): Promise<RollbackResult> {
  const version = request.version;
  const targets = port.targets().filter((t) => request.target === undefined || t.id === request.target);
  if (targets.length === 0) {
    const summary = request.target === undefined ? 'No program is running.' : `No running program is ${request.target}.`;
    return { ...(version !== undefined ? { version } : {}), ok: false, targets: [], summary };
  }
  const results = await Promise.all(targets.map((t) => rollbackTarget(engine, port, t, version, publish)));
  const ok = results.every((r) => r.outcome === 'applied' || r.outcome === 'no-change');
  return { ...(version !== undefined ? { version } : {}), ok, targets: results, summary: results.map((r) => r.message).join('\n') };
}

async function rollbackTarget(engine: UpdateEngine, port: TargetPort, target: TargetInfo, asked: number | undefined, publish: (file: string, outcome: SaveOutcome) => Promise<void>): Promise<TargetRollback> {
  const base = { targetId: target.id, targetName: target.name, versions: [] as number[], reports: [] };
  let texts;
  let version = asked ?? 0;
  try {
    if (asked === undefined) {
      // One back: the version before the current one (which may itself be a rollback).
      const history = await port.call(target.id, 'history', { limit: 1 });
      if ('error' in history) throw new Error(history.error);
      if (history.current === 0) return { ...base, outcome: 'no-change', from: 0, to: 0, message: `${target.name}: nothing to roll back (no update was applied).` };
      version = history.current - 1;
    }
    texts = await port.call(target.id, 'versionTexts', { version });
  } catch (e) {
    texts = { error: e instanceof Error ? e.message : String(e) };
  }
  if ('error' in texts) {
    const unreachable = /ended|not loaded|did not answer|could not reach/.test(texts.error);
    return { ...base, outcome: unreachable ? 'unreachable' : 'rejected', message: `${target.name}: not rolled back: ${texts.error}` };
  }
  if (texts.files.length === 0) {
    return { ...base, outcome: 'no-change', from: texts.current, to: version, message: `${target.name} already runs the code of version ${version} (it is at version ${texts.current}).` };
  }
  const { steps, kept } = await reverseTransformers(port, target.id, texts.steps);
  const reports = [];
  const versions: number[] = [];
  const codes = texts.files.map((f) => f.code ?? engine.texts.get(f.hash));
  const missing = texts.files.filter((_, i) => codes[i] === undefined).map((f) => path.basename(f.file));
  if (missing.length) {
    return { ...base, outcome: 'rejected', message: `${target.name}: not rolled back: the text of ${missing.join(', ')} at version ${version} is not kept (it ran before this machine's Live Update saw it).` };
  }
  for (const [i, file] of texts.files.entries()) {
    const outcome = await engine.restore(target, file.file, codes[i]!, version, steps.get(file.file));
    await publish(file.file, outcome);
    reports.push(outcome.report);
    const made = outcome.report.targets[0]?.report?.version;
    if (made !== undefined) versions.push(made);
  }
  const outcomes = reports.map((r) => r.outcome);
  const outcome: TargetRollback['outcome'] = outcomes.every((o) => o === 'applied' || o === 'no-change')
    ? outcomes.every((o) => o === 'no-change')
      ? 'no-change'
      : 'applied'
    : outcomes.every((o) => o === 'rejected')
      ? 'rejected'
      : outcomes.every((o) => o === 'pending')
        ? 'pending'
        : 'partial';
  const names = texts.files.map((f) => path.basename(f.file)).join(', ');
  const functions = [...new Set(reports.flatMap((r) => r.functions))];
  const what = functions.length ? `${functions.map((f) => `\`${f}\``).join(', ')} in ${names}` : names;
  const sentences: string[] = [];
  switch (outcome) {
    case 'applied':
    case 'no-change':
      sentences.push(`${target.name}: rolled back to version ${version} (from ${texts.current}${versions.length ? `; now version ${versions.at(-1)}` : ''}): ${what}.`);
      break;
    case 'pending':
      sentences.push(`${target.name}: the rollback to version ${version} waits: ${reports.find((r) => r.outcome === 'pending')?.summary ?? 'a function is active'}.`);
      break;
    case 'partial':
      sentences.push(`${target.name}: rolled back to version ${version} in part: ${reports.map((r) => r.summary).join('; ')}.`);
      break;
    default:
      sentences.push(`${target.name}: not rolled back to version ${version}: ${reports.find((r) => r.outcome === 'rejected')?.summary ?? 'refused'}.`);
  }
  if (outcome !== 'rejected') {
    if (kept.length) sentences.push(`The program's state is kept as it is now: ${stepList(kept)}, which restoring the code does not change back.`);
    sentences.push(`${texts.files.length === 1 ? 'The file on disk still holds' : 'The files on disk still hold'} the newer text: saving ${texts.files.length === 1 ? 'it' : 'one'} applies that again.`);
  }
  return { ...base, outcome, from: texts.current, to: version, versions, reports, ...(kept.length ? { stateKept: kept } : {}), message: sentences.join(' ') };
}

/**
 * Reverse state transformers. A rollback across versions that ran module steps (state
 * transformers, re-evaluated definitions, migrations) restores code only and keeps the state as it
 * is now, except where the user wrote a transformer back: `void function revert$<binding>(current)
 * { … }` next to `transform$<binding>` in the text that runs now (analysis/transformers.ts). Each
 * found goes in the rollback's transaction as a `transformer` step of its file (newest version
 * first); the rest is listed as kept.
 */
async function reverseTransformers(
  port: TargetPort,
  targetId: string,
  undone: (VersionStep & { version: number })[],
): Promise<{ steps: Map<string, ModuleStep[]>; kept: (VersionStep & { version: number })[] }> {
  const steps = new Map<string, ModuleStep[]>();
  const kept: (VersionStep & { version: number })[] = [];
  const texts = new Map<string, string | undefined>();
  const textOf = async (file: string): Promise<string | undefined> => {
    if (!texts.has(file)) {
      const state = await port.call(targetId, 'scriptState', { file });
      texts.set(file, 'error' in state ? undefined : state.code);
    }
    return texts.get(file);
  };
  for (const step of [...undone].sort((a, b) => b.version - a.version)) {
    const binding = step.kind === 'transformer' && step.label.startsWith(TRANSFORMER_PREFIX) ? step.label.slice(TRANSFORMER_PREFIX.length) : undefined;
    const code = binding ? await textOf(step.file) : undefined;
    const reverse = binding && code ? reverseTransformerStep(step.file, code, binding) : undefined;
    if (!reverse) {
      kept.push(step);
      continue;
    }
    steps.set(step.file, [...(steps.get(step.file) ?? []), reverse]);
  }
  return { steps, kept };
}

function stepList(steps: (VersionStep & { version: number })[]): string {
  return steps.map((s) => `version ${s.version} ran ${s.label} (${STEP_KINDS[s.kind]})`).join(', ');
}

const STEP_KINDS: Record<StepKind, string> = {
  transformer: 'a state transformer',
  migration: 'a migration of instances',
  declaration: 'a new declaration',
  reinit: 'a re-initialization',
  definition: 'a re-evaluated definition',
};
