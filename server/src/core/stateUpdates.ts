// State in an update (issue 6): the engine's two hooks. `stateSteps` adds the state transformers
// (analysis/transformers.ts) and instance migrations (analysis/migrations.ts) of a save to its
// patch; `stateDiagnostics` says what they did once the runtime has answered, on the transformer's
// or the class's line: what ran, how many instances were migrated, and which step threw (then the
// whole update was undone).
import * as path from 'node:path';
import ts from 'typescript';
import { PATCH_FORMAT_VERSION, type ModuleStep, type Patch, type PatchReport, type ScriptReport } from '../../../common/patch';
import { DiagnosticCodes } from '../../../common/reports';
import { migrationSteps, MIGRATOR_NAME, type MigrationPlan } from '../analysis/migrations';
import { TRANSFORMER_PREFIX, transformerSteps, type TransformerIssue } from '../analysis/transformers';
import type { FileChanges } from '../analysis/changes';
import type { TopLevelStatement } from '../analysis/topLevel';
import type { LiveDiagnostic } from './diagnostics';

export interface StateSteps {
  steps: ModuleStep[];
  plans: MigrationPlan[];
  issues: TransformerIssue[];
  /** Bindings a transformer step converts, by the transformer's name. */
  transformed: Map<string, string>;
  /** Lines where the saved text's transformers start (statements no "not run" diagnostic is about). */
  transformerLines: number[];
}

export const NO_STATE_STEPS: StateSteps = { steps: [], plans: [], issues: [], transformed: new Map(), transformerLines: [] };

/**
 * Whether a save may need state steps at all (the analysis parses both texts, so it is skipped for
 * the common edit inside a function's body): a top-level change, a constructor, a transformer or a
 * migrator changed or added.
 */
export function mayChangeState(changes: FileChanges): boolean {
  if (changes.topLevel.length > 0) return true;
  return [...changes.changed.map((c) => c.after), ...changes.added].some(
    (f) => f.kind === 'constructor' || f.displayName.includes(TRANSFORMER_PREFIX) || f.displayName.includes(MIGRATOR_NAME),
  );
}

/**
 * The steps of a save of `file` from `running` (what the program runs) to `saved` (the saved
 * file's running text), when the program will run `code` (`saved`, or what an ES module keeps of
 * it: its running top level with the changed functions spliced in).
 */
export function stateSteps(file: string, running: string, saved: string, code: string): StateSteps {
  const transformers = transformerSteps(file, running, saved);
  const migrations = migrationSteps(file, running, code, saved);
  const transformed = new Map(transformers.steps.map((s) => [s.label, s.label.slice(TRANSFORMER_PREFIX.length)]));
  return { steps: [...transformers.steps, ...migrations.steps], plans: migrations.plans, issues: transformers.issues, transformed, transformerLines: transformers.lines };
}

/**
 * The diagnostics of a save, given what the state steps did in one target: LU009 ("state kept") is
 * withdrawn for a binding its transformer converted, LU011 ("instances not migrated") for a class
 * whose instances were migrated; each step that ran says so where it is written, and a step that
 * threw gets the error there (instead of the generic "not applied" on the first change).
 */
/**
 * The module steps of an update, in the order they run: new declarations (what the rest may use),
 * re-evaluated definitions, state transformers and migrations, then what the caller adds (a
 * rollback's reverse transformers). A binding a transformer converts is not also re-evaluated as a
 * definition: the transformer decides its new value from the running one (re-evaluating first
 * would hand the transformer a value already in the new form).
 */
export function orderedSteps(declarations: ModuleStep[], definitions: ModuleStep[], state: ModuleStep[], extra: ModuleStep[] = []): ModuleStep[] {
  const transformed = new Set([...state, ...extra].filter((s) => s.kind === 'transformer').flatMap((s) => s.assigns));
  const kept = definitions.filter((d) => !d.assigns.some((name) => transformed.has(name)));
  return [...declarations, ...kept, ...state, ...extra];
}

export function stateDiagnostics(diagnostics: LiveDiagnostic[], state: StateSteps, script: ScriptReport | undefined): LiveDiagnostic[] {
  // A transformer is a top-level statement too: it is not "kept", it runs when it should.
  const out = diagnostics.filter((d) => !(d.code === DiagnosticCodes.topLevelKept && state.transformerLines.includes(d.start.line)));
  for (const issue of state.issues) {
    out.push({
      severity: 'warning',
      code: DiagnosticCodes.topLevelKept,
      message: `\`${issue.name}\` was not run: ${issue.reason}.`,
      start: { line: issue.line, column: issue.column },
      end: { line: issue.line, column: issue.column + issue.name.length },
    });
  }
  if (!script || state.steps.length === 0) return out;
  const failure = script.stepFailure;
  if (failure) {
    const step = state.steps.find((s) => s.label === failure.label && s.line === failure.line);
    const noun = failure.kind === 'transformer' ? `The state transformer \`${failure.label}\`` : failure.kind === 'migration' ? `The migration of ${failure.label}` : `\`${failure.label}\``;
    const kept = out.filter((d) => d.code !== DiagnosticCodes.updateRejected);
    kept.push({
      severity: 'error',
      code: DiagnosticCodes.updateRejected,
      message: `Not applied: ${noun} threw ${failure.error}. The whole update was undone: the program runs the version it ran before, with its state as it was.`,
      start: { line: failure.line, column: 0 },
      end: { line: failure.line, column: step ? lineLength(step) : 0 },
    });
    return kept;
  }
  const ran = new Set(script.steps ?? []);
  const converted = [...state.transformed].filter(([label]) => ran.has(label)).map(([, name]) => name);
  const migrated = state.plans.filter((p) => script.migrated?.some((m) => m.label === `class ${p.className}`));
  const filtered = out.filter((d) => {
    if (d.code === DiagnosticCodes.topLevelKept && converted.some((name) => d.message.startsWith(`\`${name}\``))) return false;
    if (d.code === DiagnosticCodes.instancesNotMigrated && migrated.some((p) => d.message.includes(`\`${p.className}\``) || d.message.includes(`\`${p.className}.`))) return false;
    return true;
  });
  for (const step of state.steps) {
    if (!ran.has(step.label)) continue;
    if (step.kind === 'transformer') {
      filtered.push({
        severity: 'information',
        code: DiagnosticCodes.topLevelKept,
        message: `\`${step.assigns[0]}\` was converted in the running program by \`${step.label}\` (once, in this update).`,
        start: { line: step.line, column: 0 },
        end: { line: step.line, column: lineLength(step) },
      });
    }
  }
  for (const plan of migrated) {
    const count = script.migrated?.find((m) => m.label === `class ${plan.className}`)?.instances ?? 0;
    const did = [
      plan.added.length ? `added ${names(plan.added)}` : '',
      plan.removed.length ? `removed ${names(plan.removed)}` : '',
      plan.migrator ? `ran \`${plan.className}.${MIGRATOR_NAME}\`` : '',
    ].filter(Boolean);
    const uncomputable = plan.uncomputable.length
      ? ` ${names(plan.uncomputable)} ${plan.uncomputable.length === 1 ? 'is' : 'are'} set from the constructor's parameters, so existing instances got \`undefined\`: give them a value in \`static ${MIGRATOR_NAME}(instance)\`.`
      : '';
    filtered.push({
      severity: uncomputable ? 'warning' : 'information',
      code: DiagnosticCodes.instancesNotMigrated,
      message: `${count === 1 ? '1 existing instance' : `${count} existing instances`} of \`${plan.className}\` ${count === 1 ? 'was' : 'were'} migrated (${did.join(', ')}).${uncomputable}`,
      start: { line: plan.line, column: plan.column },
      end: { line: plan.line, column: plan.column + plan.className.length },
    });
  }
  return filtered;
}

function names(list: string[]): string {
  return list.map((n) => `\`${n}\``).join(', ');
}

/** The step's statement's first line is not known here: underline a reasonable width. */
function lineLength(step: ModuleStep): number {
  return Math.max(1, step.label.length + 9);
}

/**
 * The `reinit` step of a top-level declaration (`let`, `var`, `const`): assigns each of its
 * bindings the value of its initializer, in the module's scope. A string says why there is none.
 * (A `const` binding can be assigned once the running text makes top-level `const` assignable.)
 */
export function reinitStep(statement: TopLevelStatement): ModuleStep | string {
  const sf = ts.createSourceFile('statement.js', statement.source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const declaration = sf.statements[0];
  if (!declaration || !ts.isVariableStatement(declaration)) return `\`${statement.key}\` is not a \`let\`, \`const\` or \`var\` declaration.`;
  const assignments: string[] = [];
  const names: string[] = [];
  for (const d of declaration.declarationList.declarations) {
    if (!d.initializer) continue;
    const target = d.name.getText(sf);
    const value = d.initializer.getText(sf);
    // `{ a } = x` alone would parse as a block: a destructuring assignment needs parentheses.
    assignments.push(ts.isIdentifier(d.name) ? `${target} = (${value});` : `(${target} = (${value}));`);
    collectBindingNames(d.name, names);
  }
  if (assignments.length === 0) return `\`${statement.key}\` has no initializer to run.`;
  return { kind: 'reinit', label: statement.key, line: statement.anchorStart.line, code: assignments.join('\n'), assigns: names };
}

function collectBindingNames(name: ts.BindingName, into: string[]): void {
  if (ts.isIdentifier(name)) into.push(name.text);
  else for (const e of name.elements) if (!ts.isOmittedExpression(e)) collectBindingNames(e.name, into);
}

/**
 * Re-initializes a binding in every target that runs `file` (the LU009 Quick Fix): a patch with
 * the text each target runs now and one `reinit` step, so it is a transaction like any update.
 */
export async function reinitialize(
  file: string,
  step: ModuleStep,
  targets: { id: string; name: string }[],
  baselineOf: (targetId: string) => Promise<{ hash: string; text: string } | undefined>,
  apply: (targetId: string, patch: Patch) => Promise<PatchReport>,
  patchId: () => string,
): Promise<{ ok: boolean; message: string }> {
  const results: string[] = [];
  let ok = true;
  for (const target of targets) {
    const baseline = await baselineOf(target.id);
    if (!baseline) continue;
    const report = await apply(target.id, { format: PATCH_FORMAT_VERSION, id: patchId(), scripts: [{ file, baseHash: baseline.hash, code: baseline.text, functions: [], steps: [step] }] });
    const script = report.scripts[0];
    ok &&= report.ok;
    results.push(report.ok ? `${target.name}: done` : `${target.name}: not done: ${script?.stepFailure?.error ?? report.error ?? script?.reason ?? 'refused'}`);
  }
  const where = `${path.basename(file)}:${step.line + 1}`;
  if (results.length === 0) return { ok: false, message: `No running program has loaded ${path.basename(file)}.` };
  return { ok, message: `Re-initialize ${step.assigns.map((n) => `\`${n}\``).join(', ')} from ${where}: ${results.join('; ')}` };
}
