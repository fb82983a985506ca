// A save of a package.json. Node reads a package's manifest when it resolves and loads the
// package's modules (`main` and `exports` choose the entry, `imports` the `#` specifiers, `type`
// whether a `.js` file is CommonJS or an ES module) and never again: a running program keeps the
// modules it resolved. No update can bring such a change in, and saying nothing would leave the
// user believing the program follows the new manifest (issue 20: a release that moved `main` was
// the last silent pair of the npm replay). So the save changes no code and, when a program runs
// modules of that package and a field Node resolves with changed, says so on the field: a warning
// (LU018), the report `partial`, "restart to get it".
import * as path from 'node:path';
import type { ModulesState, Position } from '../../../common/patch';
import { DiagnosticCodes, type TargetUpdateResult, type UpdateReport } from '../../../common/reports';
import { isRuntimeError } from '../../../common/runtimeApi';
import type { LiveDiagnostic } from './diagnostics';
import type { TargetPort } from './targetPort';

/** The manifest fields Node resolves a package's modules with, once, as they load. */
const RESOLUTION_FIELDS = ['main', 'exports', 'imports', 'type'] as const;

export const isManifest = (file: string): boolean => path.basename(file) === 'package.json';

/**
 * The outcome of saving `text` over `before` (the manifest as the program's start read it, or as
 * last saved); `before` unknown: nothing can be said to have changed.
 */
export async function manifestSave(port: TargetPort, file: string, text: string, before: string | undefined, started: number): Promise<{ report: UpdateReport; diagnostics: LiveDiagnostic[] }> {
  const changed = before === undefined ? [] : changedFields(before, text);
  const dir = path.dirname(file);
  const results: TargetUpdateResult[] = [];
  if (changed.length > 0) {
    for (const target of port.targets()) {
      const modules = await port.call(target.id, 'modules', {});
      if (isRuntimeError(modules) || !runsPackage(modules, dir)) continue;
      const fields = changed.map((f) => `\`${f}\``).join(', ');
      results.push({ targetId: target.id, targetName: target.name, outcome: 'applied', reason: `package.json's ${fields} changed: ${target.name} keeps the modules it resolved at start (restart to get it)` });
    }
  }
  const name = path.relative(path.dirname(dir), file);
  const report: UpdateReport = {
    file,
    outcome: results.length ? 'partial' : 'no-change',
    functions: [],
    targets: results,
    summary: results.length ? `Not live: ${results[0]!.reason}` : `${name}: no program resolves its modules anew from it`,
    milliseconds: performance.now() - started,
    time: Date.now(),
  };
  if (!results.length) return { report, diagnostics: [] };
  const targets = results.map((r) => r.targetId);
  const diagnostics = changed.map((field): LiveDiagnostic => {
    const at = fieldPosition(text, field);
    return {
      severity: 'warning',
      code: DiagnosticCodes.manifestKept,
      message: `\`${field}\` changed: the running program resolved its modules with the package.json it started with, and Node reads it only then. It still runs the modules it resolved; restart to get the new \`${field}\`.`,
      start: at,
      end: { line: at.line, column: at.column + field.length + 2 },
      targets,
    };
  });
  return { report, diagnostics };
}

/** The resolution fields whose values differ (a manifest that does not parse: none can be read). */
export function changedFields(before: string, after: string): string[] {
  const a = parse(before);
  const b = parse(after);
  if (!a || !b) return [];
  return RESOLUTION_FIELDS.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the program runs a module of the package in `dir` (under it, not in its node_modules). */
function runsPackage(modules: ModulesState, dir: string): boolean {
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  return modules.files.some((f) => f.startsWith(prefix) && !f.slice(prefix.length).split(path.sep).includes('node_modules'));
}

/** Where `"field"` is written (its quote), or the start of the file when it is gone. */
function fieldPosition(text: string, field: string): Position {
  const at = text.search(new RegExp(`"${field}"\\s*:`));
  if (at < 0) return { line: 0, column: 0 };
  const lines = text.slice(0, at).split('\n');
  return { line: lines.length - 1, column: lines[lines.length - 1]!.length };
}
