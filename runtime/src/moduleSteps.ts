// Module steps: the top-level code an update runs in a module's scope after V8 runs the new text
// (re-evaluated definitions, new declarations, state transformers, instance migrations). They run
// in order inside the update's transaction, so each one records how to undo itself before it acts:
// the values of the bindings it assigns. If a step throws, the steps already run are undone in
// reverse order and the caller restores the scripts: the program is left on the old version.
import type { MigrationCount, ModuleStep, StepFailure } from '../../common/patch';
import type { ModuleScopes } from './scopes';

export type Undo = () => void;

/**
 * A step kind the runtime carries out itself instead of evaluating `code` as is (instance
 * migration needs the heap). It returns its undo, or throws what the step threw.
 */
export type StepRunner = (step: ModuleStep, file: string, scopes: ModuleScopes) => Undo | StepOutcome;

/** What a runner returns when it has more to say than its undo: how many instances it migrated. */
export interface StepOutcome {
  undo: Undo;
  migrated?: number;
  /** Time the step took, and the part of it spent searching the heap. */
  ms?: number;
  searchMs?: number;
}

const runners = new Map<string, StepRunner>();
/** Per module file: the `once` keys of steps that ran in an update that was kept. */
const ranOnce = new Map<string, Set<string>>();

/** Lets another runtime file carry out one step kind. */
export function registerStepRunner(kind: ModuleStep['kind'], runner: StepRunner): void {
  runners.set(kind, runner);
}

export type StepsResult = { ok: true; ran: string[]; undo: Undo; migrated: MigrationCount[] } | { ok: false; failure: StepFailure };

/** Runs `steps` in `file`'s module scope; on a throw, undoes what ran and says which step threw. */
export function runSteps(scopes: ModuleScopes, file: string, steps: ModuleStep[]): StepsResult {
  const undos: Undo[] = [];
  const ran: string[] = [];
  const migrated: MigrationCount[] = [];
  const undoAll: Undo = () => {
    for (const undo of undos.reverse()) {
      try {
        undo();
      } catch {
        // Putting back a value cannot throw for a binding that exists; keep undoing the rest.
      }
    }
  };
  for (const step of steps) {
    for (const key of step.forgets ?? []) {
      const keys = ranOnce.get(file);
      if (!keys?.delete(key)) continue;
      undos.push(() => keys.add(key));
    }
    if (step.once !== undefined) {
      const keys = ranOnce.get(file) ?? new Set<string>();
      if (keys.has(step.once)) continue;
      ranOnce.set(file, keys);
      const key = step.once;
      keys.add(key);
      undos.push(() => keys.delete(key));
    }
    try {
      if (!scopes.has(file)) throw new Error('the module has no scope accessor (it was not loaded by Live Update)');
      undos.push(restoreBindings(scopes, file, step.assigns));
      const runner = runners.get(step.kind);
      if (runner) {
        const outcome = runner(step, file, scopes);
        if (typeof outcome === 'function') undos.push(outcome);
        else {
          undos.push(outcome.undo);
          if (outcome.migrated !== undefined) migrated.push({ label: step.label, instances: outcome.migrated, ms: outcome.ms ?? 0, searchMs: outcome.searchMs ?? 0 });
        }
      } else scopes.evaluate(file, step.code);
      ran.push(step.label);
    } catch (e) {
      undoAll();
      return { ok: false, failure: { kind: step.kind, label: step.label, line: step.line, error: describe(e) } };
    }
  }
  return { ok: true, ran, undo: undoAll, migrated };
}

/** Reads the bindings now and returns what puts those values back. A binding in its TDZ or missing is skipped. */
function restoreBindings(scopes: ModuleScopes, file: string, names: string[]): Undo {
  const saved: { set: (v: unknown) => void; value: unknown }[] = [];
  for (const name of names) {
    if (!/^[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_\u200c\u200d]*$/u.test(name)) continue;
    try {
      const value = scopes.evaluate(file, name);
      const set = scopes.evaluate(file, `(function (v) { ${name} = v; })`) as (v: unknown) => void;
      saved.push({ set, value });
    } catch {
      // Not declared yet, or in its temporal dead zone: nothing to put back.
    }
  }
  return () => {
    for (const s of saved.reverse()) s.set(s.value);
  };
}

export function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  try {
    return `${typeof e === 'string' ? e : JSON.stringify(e)} (thrown)`;
  } catch {
    return String(e);
  }
}
