// Module steps: the top-level code an update runs in a module's scope after V8 runs the new text
// (re-evaluated definitions, new declarations, state transformers, instance migrations). They run
// in order inside the update's transaction, so each one records how to undo itself before it acts:
// the values of the bindings it assigns. If a step throws, the steps already run are undone in
// reverse order and the caller restores the scripts: the program is left on the old version.
import { loadScopeEvaluatorAt, loadScopes } from '../../common/loadScopes';
import type { MigrationCount, ModuleStep, StepFailure } from '../../common/patch';
import { positionAt } from '../../common/positions';
import { SCOPE_REGISTRY_KEY } from '../../common/runningText';
import type { Evaluator, ModuleScopes } from './scopes';

/** The text V8 runs for a module now (canonical), and its script: where a step's load scope is. */
export interface RunningScript {
  code: string;
  scriptId: string;
}

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

/**
 * Runs `steps` in `file`'s module scope (or in the load scope a step names, found in `running`);
 * on a throw, undoes what ran and says which step threw.
 */
export function runSteps(scopes: ModuleScopes, file: string, steps: ModuleStep[], running?: RunningScript): StepsResult {
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
      const evaluate = evaluatorOf(scopes, file, step, running);
      undos.push(restoreBindings(evaluate, step.assigns));
      const runner = runners.get(step.kind);
      if (runner && step.scope === undefined) {
        const outcome = runner(step, file, scopes);
        if (typeof outcome === 'function') undos.push(outcome);
        else {
          undos.push(outcome.undo);
          if (outcome.migrated !== undefined) migrated.push({ label: step.label, instances: outcome.migrated, ms: outcome.ms ?? 0, searchMs: outcome.searchMs ?? 0 });
        }
      } else evaluate(step.code);
      ran.push(step.label);
    } catch (e) {
      undoAll();
      return { ok: false, failure: { kind: step.kind, label: step.label, line: step.line, error: describe(e) } };
    }
  }
  return { ok: true, ran, undo: undoAll, migrated };
}

/** How a step's code is evaluated: in the module's scope, or in the load scope it names. */
function evaluatorOf(scopes: ModuleScopes, file: string, step: ModuleStep, running: RunningScript | undefined): Evaluator {
  if (step.scope === undefined) return (code) => scopes.evaluate(file, code);
  const all = running ? loadScopes(running.code) : [];
  const scope = all.find((s) => s.id === step.scope);
  const at = scope && running ? positionAt(running.code, loadScopeEvaluatorAt(scope, file, SCOPE_REGISTRY_KEY)) : undefined;
  const evaluator = at && running ? scopes.scopeAt(file, { scriptId: running.scriptId, line: at.line, column: at.column, id: step.scope, count: all.length }) : undefined;
  if (!evaluator) throw new Error('the function around this statement did not run when the module loaded as it runs now (it has no scope accessor): restart the program to run it');
  return evaluator;
}

const NAME = /^[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_\u200c\u200d]*$/u;

/**
 * Reads what a step assigns now and returns what puts it back. Each entry is a binding (`TABLE`),
 * a member (`module.exports`: the property, or its absence), or an object's own properties
 * (`exports.*`: every own property as it is, and none other). What is missing or in its temporal
 * dead zone is skipped: there is nothing to put back.
 */
function restoreBindings(evaluate: Evaluator, names: string[]): Undo {
  const undos: Undo[] = [];
  for (const entry of names) {
    const path = entry.split('.');
    const whole = path.at(-1) === '*';
    if (whole) path.pop();
    if (!path.every((p) => NAME.test(p))) continue;
    try {
      if (whole) {
        const target = evaluate(path.join('.')) as object | null;
        if (target === null || (typeof target !== 'object' && typeof target !== 'function')) continue;
        const saved = Object.getOwnPropertyDescriptors(target);
        undos.push(() => {
          for (const key of Reflect.ownKeys(target)) if (!Object.prototype.hasOwnProperty.call(saved, key)) Reflect.deleteProperty(target, key);
          for (const key of Reflect.ownKeys(saved)) {
            try {
              Object.defineProperty(target, key, saved[key as keyof typeof saved]!);
            } catch {
              // A property made non-configurable since: leave it.
            }
          }
        });
      } else if (path.length === 1) {
        const value = evaluate(entry);
        const set = evaluate(`(function (v) { ${entry} = v; })`) as (v: unknown) => void;
        undos.push(() => set(value));
      } else {
        const owner = evaluate(path.slice(0, -1).join('.')) as Record<string, unknown> | null;
        if (owner === null || (typeof owner !== 'object' && typeof owner !== 'function')) continue;
        const key = path.at(-1)!;
        const descriptor = Object.getOwnPropertyDescriptor(owner, key);
        undos.push(() => {
          if (descriptor) Object.defineProperty(owner, key, descriptor);
          else Reflect.deleteProperty(owner, key);
        });
      }
    } catch {
      // Not declared yet, or in its temporal dead zone: nothing to put back.
    }
  }
  return () => {
    for (const undo of undos.reverse()) {
      try {
        undo();
      } catch {
        // Keep putting back the rest.
      }
    }
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
