// The scope accessors the user's modules hand over when they load (see common/runningText's
// `scopeAccessor`): one function per module that evaluates code in that module's scope.
import { inspect } from 'node:util';
import { SCOPE_REGISTRY_KEY } from '../../common/runningText';

type Evaluator = (code: string) => unknown;

export class ModuleScopes {
  private readonly evaluators = new Map<string, Evaluator>();

  /** Defines the global each module calls once, at the end of its own code. */
  install(host: Record<symbol, unknown>): void {
    const register = (file: unknown, evaluator: unknown): void => {
      if (typeof file === 'string' && typeof evaluator === 'function') this.evaluators.set(file, evaluator as Evaluator);
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
}

/** A readable, bounded rendering of a value for a person (REPL, diagnostics). */
export function preview(value: unknown): string {
  return inspect(value, { depth: 2, maxArrayLength: 20, maxStringLength: 500, breakLength: 100 });
}
