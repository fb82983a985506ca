// Instance migration: when a class's fields or constructor changed, the objects it built before
// the update are brought to the new shape eagerly, inside the update's transaction. They are found
// through the heap (`Runtime.queryObjects` on the class's prototype: direct and subclass
// instances), so the program pays nothing per instance while it runs.
//
// A migration step's `code` evaluates, in the module's scope, to a `MigrationSpec` (built by the
// server, server/src/analysis/migrations.ts): the class, the added fields each with a compiled
// initializer (`this` is the instance), the removed fields, and the user's migrator if this save
// wrote or changed it. Per instance: added fields the object does not have get their initializer's
// value, then the migrator runs (it still sees the removed fields), then removed fields are
// deleted. Everything is logged so the transaction can undo it.
import type { ModuleStep } from '../../common/patch';
import { InProcessSession, isError } from './inspectorSession';
import type { StepOutcome, Undo } from './moduleSteps';
import type { ModuleScopes } from './scopes';
import { now } from './clock';

export interface MigrationSpec {
  /** The class constructor (the running one: LiveEdit keeps its identity). */
  target: Function;
  /** Fields the new version has and the old one did not, with their initializers. */
  added: [name: string, init: (this: object) => unknown][];
  /** Fields the old version had and the new one does not. */
  removed: string[];
  /** `static migrate$(instance)`: called with `this` = the class, after the default rule, before removals. */
  migrate?: (instance: object) => unknown;
  /** The migrator's identity: it is called in one update per key and module (see migratorsRun). */
  migratorKey?: string;
}

/** Per module: the migrators already run in updates that were kept. */
const migratorsRun = new Map<string, Set<string>>();


/** The step runner for `migration` steps (see moduleSteps.registerStepRunner). */
export function migrationRunner(session: InProcessSession) {
  return (step: ModuleStep, file: string, scopes: ModuleScopes): StepOutcome | Undo => {
    const started = now();
    const spec = scopes.evaluate(file, step.code) as MigrationSpec;
    if (typeof spec?.target !== 'function' || typeof spec.target.prototype !== 'object') throw new TypeError(`${step.label} is not a class in the running module`);
    const run = migratorsRun.get(file) ?? new Set<string>();
    migratorsRun.set(file, run);
    const key = spec.migratorKey;
    if (key !== undefined && run.has(key)) delete spec.migrate;
    // Nothing left to do: no instance is visited and nothing is reported as migrated.
    if (spec.added.length === 0 && spec.removed.length === 0 && !spec.migrate) return () => undefined;
    const instances = findInstances(session, spec.target.prototype as object);
    const searchMs = now() - started;
    const outcome = migrateInstances(instances, spec);
    if (spec.migrate && key !== undefined) run.add(key);
    const undo = (): void => {
      outcome.undo();
      if (spec.migrate && key !== undefined) run.delete(key);
    };
    return { ...outcome, undo, searchMs, ms: now() - started };
  };
}

/** Objects whose prototype chain holds `prototype`, except the prototypes of subclasses. */
export function findInstances(session: InProcessSession, prototype: object): object[] {
  const found = session.heapObjects(prototype);
  if (isError(found)) throw new Error(`the instances could not be found: ${found.error}`);
  const out: object[] = [];
  const hasOwn = Object.prototype.hasOwnProperty;
  for (let i = 0; i < found.length; i++) {
    const o = found[i] as object;
    // A subclass's prototype has the class's prototype in its chain too; it is no instance.
    if (hasOwn.call(o, 'constructor') && typeof (o as { constructor: unknown }).constructor === 'function' && (o as { constructor: Function }).constructor.prototype === o) continue;
    out.push(o);
  }
  return out;
}

/** Applies the default rule and the migrator to every instance; returns the undo and the count. */
export function migrateInstances(instances: object[], spec: MigrationSpec): StepOutcome {
  const n = instances.length;
  const hasOwn = Object.prototype.hasOwnProperty;
  const added = spec.added;
  const removed = spec.removed;
  // Undo log. Added: which instances got the field. Removed: the values taken. Migrator: a
  // shallow copy of each instance's own properties before it ran (only when there is one).
  const addedTo: object[][] = added.map(() => []);
  const taken: { o: object; name: string; d: PropertyDescriptor }[] = [];
  const before: { o: object; props: PropertyDescriptorMap }[] = [];
  // Fields are defined, not assigned (a setter up the chain must not run), as `class` fields are;
  // plain assignment is the same and much faster when nothing up the chain has that name.
  const proto = spec.target.prototype as object;
  const define = added.map(([name]) => name in proto);
  const undo = (): void => {
    for (let b = before.length - 1; b >= 0; b--) {
      const { o, props } = before[b]!;
      for (const key of Reflect.ownKeys(o)) if (!(key in props)) delete (o as Record<PropertyKey, unknown>)[key];
      Object.defineProperties(o, props);
    }
    for (let t = taken.length - 1; t >= 0; t--) Object.defineProperty(taken[t]!.o, taken[t]!.name, taken[t]!.d);
    for (let f = 0; f < added.length; f++) for (const o of addedTo[f]!) delete (o as Record<string, unknown>)[added[f]![0]];
  };
  try {
    for (let i = 0; i < n; i++) {
      const o = instances[i] as Record<string, unknown>;
      for (let f = 0; f < added.length; f++) {
        const [name, init] = added[f]!;
        if (hasOwn.call(o, name)) continue;
        const value = init.call(o);
        if (define[f]) Object.defineProperty(o, name, { value, writable: true, enumerable: true, configurable: true });
        else o[name] = value;
        addedTo[f]!.push(o);
      }
      if (spec.migrate) {
        before.push({ o, props: Object.getOwnPropertyDescriptors(o) });
        spec.migrate.call(spec.target, o);
      }
      for (let r = 0; r < removed.length; r++) {
        const name = removed[r]!;
        const d = Object.getOwnPropertyDescriptor(o, name);
        if (!d) continue;
        taken.push({ o, name, d });
        delete o[name];
      }
    }
  } catch (e) {
    undo();
    throw e;
  }
  return { undo, migrated: n, ms: 0, searchMs: 0 };
}
