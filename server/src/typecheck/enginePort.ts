// The type gate as the update engine sees it (core/typeGatePort): introduced errors only, in the
// engine's terms. Kept apart so the gate stays usable on its own (tests, benchmarks, the CLI).
import type { TypeGatePort, TypeProblems } from '../core/typeGatePort';
import type { TypeGate } from './typeGate';

export function typeGatePort(gate: TypeGate, log: (message: string) => void): TypeGatePort {
  return {
    check(file: string, text: string): TypeProblems {
      const result = gate.check(file, text);
      return {
        javaScript: result.isJavaScript,
        problems: result.introduced.map((e) => ({ file: e.file, start: e.start, end: e.end, code: e.code, message: e.message })),
      };
    },
    accept: (file, text) => gate.accept(file, text),
    log,
  };
}
