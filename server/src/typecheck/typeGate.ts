// Placeholder until the incremental type gate lands (see the wt-typecheck branch).
import type { TypeGatePort, TypeProblems } from '../core/typeGatePort';

export class TypeGate implements TypeGatePort {
  constructor(private readonly options: { log?: (m: string) => void } = {}) {}
  didOpen(_file: string, _text: string): void {}
  check(file: string, _text: string): TypeProblems {
    return { problems: [], javaScript: /\.[cm]?jsx?$/.test(file) };
  }
  log(message: string): void {
    this.options.log?.(message);
  }
}
