// The scope accessors the user's modules hand over when they load (see common/runningText's
// `scopeAccessor`): one function per module that evaluates code in that module's scope, and one
// per load scope of a module (common/loadScopes.ts: the body of an IIFE or UMD factory), by number.
import { inspect } from 'node:util';
import { SCOPE_REGISTRY_KEY } from '../../common/runningText';

export type Evaluator = (code: string) => unknown;

/** Where a function is now (V8's `[[FunctionLocation]]`: its script, 0-based position), or undefined when unknown. */
export type Locator = (fn: Evaluator) => { scriptId: string; line: number; column: number } | undefined;

export class ModuleScopes {
  private readonly evaluators = new Map<string, Evaluator>();
  /** Load scopes' accessors, per file, with their numbers in the text they ran in. */
  private readonly scoped = new Map<string, { evaluator: Evaluator; id: number; count: number }[]>();
  /** Set by the API: finds where an accessor is in the script as V8 runs it now. */
  locate: Locator = () => undefined;

  /** Defines the global each module calls once, at the end of its own code (and each load scope at its start). */
  install(host: Record<symbol, unknown>): void {
    const register = (file: unknown, evaluator: unknown, scope?: unknown, count?: unknown): void => {
      if (typeof file !== 'string' || typeof evaluator !== 'function') return;
      if (typeof scope !== 'number') this.evaluators.set(file, evaluator as Evaluator);
      else {
        // A function that runs again registers again: its newest activation's scope is the one.
        const list = (this.scoped.get(file) ?? []).filter((e) => e.id !== scope);
        list.push({ evaluator: evaluator as Evaluator, id: scope, count: typeof count === 'number' ? count : 0 });
        this.scoped.set(file, list);
      }
    };
    Object.defineProperty(host, Symbol.for(SCOPE_REGISTRY_KEY), { value: register, enumerable: false, configurable: false, writable: false });
  }

  has(file: string): boolean {
    return this.evaluators.has(file);
  }

  files(): string[] {
    return [...this.evaluators.keys()];
  }

  /** Evaluates `code` in the scope of `file`'s module; throws what the code throws. */
  evaluate(file: string, code: string): unknown {
    const evaluator = this.evaluators.get(file);
    if (!evaluator) throw new Error(`${file} is not a loaded module of this program`);
    return evaluator(code);
  }

  /**
   * The evaluator of the load scope of `file` whose accessor V8 runs at `at` now (number `id` of
   * `count` in that text). Found by where it is: V8 keeps each function's place through later
   * updates, while a number shifts when an update adds a wrapper before it. When V8 cannot say, the
   * same number in a text with as many load scopes as the module had when it loaded is the same
   * function. Undefined when neither finds one (the function did not run at load).
   */
  scopeAt(file: string, at: { scriptId: string; line: number; column: number; id: number; count: number }): Evaluator | undefined {
    const list = this.scoped.get(file) ?? [];
    const located = list.find((e) => {
      const now = this.locate(e.evaluator);
      return now?.scriptId === at.scriptId && now.line === at.line && now.column === at.column;
    });
    return (located ?? list.find((e) => e.id === at.id && e.count === at.count))?.evaluator;
  }
}

/** A readable, bounded rendering of a value for a person (REPL, diagnostics). */
export function preview(value: unknown): string {
  return inspect(value, { depth: 2, maxArrayLength: 20, maxStringLength: 500, breakLength: 100 });
}
