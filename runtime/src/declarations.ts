// The `declaration` step: a top-level declaration an update adds to a running module. The module's
// context cannot grow (see server/src/analysis/declarations.ts), so the binding is created in the
// program's global lexical scope — where the changed code, which names it without declaring it,
// looks it up — and its value is computed in the module's scope. It stays there until the program
// restarts. A name the program already has globally, or that another module added, is refused:
// the step throws and the update is undone.
import { createRequire } from 'node:module';
import * as vm from 'node:vm';
import { registerStepRunner, type Undo } from './moduleSteps';

/** Which module added each global binding (a later update of that module may assign it again). */
const owners = new Map<string, string>();
/** The other modules that added a name with the value its owner gave it (one binding to all). */
const shared = new Map<string, Set<string>>();
const sharers = (name: string): Set<string> => {
  let set = shared.get(name);
  if (!set) shared.set(name, (set = new Set()));
  return set;
};
/** The code each module's declaration step last ran, by file and label: the same text is not run again. */
const lastRun = new Map<string, string>();
const IDENTIFIER = /^[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_\u200c\u200d]*$/u;

registerStepRunner('declaration', (step, file, scopes) => {
  // A later save re-declares what an earlier one added (its running text still lacks it): when
  // the statement is the same, its bindings keep their values (a function keeps its identity).
  const key = `${file}\0${step.label}`;
  const previous = lastRun.get(key);
  if (previous === step.code) return () => undefined;
  const make = scopes.evaluate(file, step.code);
  if (typeof make !== 'function') throw new Error('the declaration step did not evaluate to a function');
  const values = (make as (require: NodeJS.Require) => Record<string, unknown>)(createRequire(file));
  const undos: Undo[] = [];
  try {
    for (const [name, value] of Object.entries(values)) {
      if (!IDENTIFIER.test(name)) throw new Error(`\`${name}\` is not a name Live Update can declare`);
      const owner = owners.get(name);
      if (owner !== undefined && owner !== file) {
        // Another module added the name. The same value (`var has = Object.prototype.hasOwnProperty`,
        // `var utils = require('./utils')` in two files of one folder) is one binding to both, as
        // each module's own would be: shared. Another value would change the first module's.
        if (Object.is(vm.runInThisContext(name), value)) {
          const before = sharers(name).has(file);
          sharers(name).add(file);
          if (!before) undos.push(() => shared.get(name)?.delete(file));
          continue;
        }
        throw new Error(`\`${name}\` was already added to the running program by ${owner} with another value: new top-level declarations share the program's global scope until it restarts. Rename it, or restart the program`);
      }
      if (owner === file && (shared.get(name)?.size ?? 0) > 0 && !Object.is(vm.runInThisContext(name), value)) {
        throw new Error(`\`${name}\` was added with the same value by ${[...shared.get(name)!].join(', ')} too, which would see the new one: new top-level declarations share the program's global scope until it restarts. Restart the program`);
      }
      if (owner === undefined) {
        // What every module finds through the global object's prototype (`hasOwnProperty`,
        // `toString`, from Object.prototype) may be declared with that very value, as libraries
        // do (`const { hasOwnProperty } = Object.prototype`): the binding then shadows it with
        // what all code already saw there, and keeps that value (below).
        const alike = inheritedAlike(name, value);
        if (!alike && globallyDefined(name)) {
          throw new Error(`the program already has a global \`${name}\`, and a new top-level declaration lives in the program's global scope until it restarts. Rename it, or restart the program`);
        }
        vm.runInThisContext(`let ${name};`);
        owners.set(name, file);
        if (alike) {
          inherited.set(name, value);
          // Undone, the binding holds the inherited value again, never `undefined`.
          vm.runInThisContext(`(function (v) { ${name} = v; })`)(value);
        }
      }
      if (inherited.has(name) && !Object.is(inherited.get(name), value)) {
        throw new Error(`every module sees \`${name}\` on the global object, and this declaration, which lives in the program's global scope until it restarts, would give it another value. Rename it, or restart the program`);
      }
      const swap = vm.runInThisContext(`(function (v) { const old = ${name}; ${name} = v; return old; })`) as (v: unknown) => unknown;
      const old = swap(value);
      undos.push(() => swap(old));
    }
  } catch (e) {
    for (const undo of undos.reverse()) undo();
    throw e;
  }
  lastRun.set(key, step.code);
  // A binding created here stays declared (the global scope cannot drop it); undone, it is
  // `undefined` again and still this module's, so the next attempt assigns it.
  return () => {
    for (const undo of undos.reverse()) undo();
    if (previous === undefined) lastRun.delete(key);
    else lastRun.set(key, previous);
  };
});

/** Names declared over what the global object inherits, with the value every module sees there. */
const inherited = new Map<string, unknown>();

/** `name` is found on the global object only through its prototype chain, with `value`. */
function inheritedAlike(name: string, value: unknown): boolean {
  if (Object.prototype.hasOwnProperty.call(globalThis, name) || !(name in globalThis)) return false;
  if (!Object.is((globalThis as Record<string, unknown>)[name], value)) return false;
  try {
    // What the name means to code (a script's global `let` of it would come first).
    return Object.is(vm.runInThisContext(name), value);
  } catch {
    return false;
  }
}

function globallyDefined(name: string): boolean {
  if (name in globalThis) return true;
  try {
    vm.runInThisContext(name);
    return true;
  } catch (e) {
    // A ReferenceError: no global binding of that name. Anything else (its TDZ): there is one.
    return !(e instanceof ReferenceError) || !/is not defined/.test(e.message);
  }
}
