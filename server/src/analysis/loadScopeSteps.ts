// The changed statements of a load-time wrapper, run again in its scope (issue 20, shape A). An IIFE
// around a library (`;(function () { … })()`) or the factory a UMD wrapper calls ran once, at load:
// V8 swaps its text in an update, nothing runs it again. Its body is a top level of its own, so its
// statements are classified as the module's are (topLevel.ts `statementsOf`) and its changed
// definitions become definition steps (definitionSteps.ts) evaluated through the accessor the
// running text put at the start of its body (common/loadScopes.ts), by the scope's number. Whether
// that leaves the wrapper as a fresh start would is the reporter's to say (changeDiagnostics.ts
// `keptLoadTime`: every changed statement ran again, and no unchanged one holds what old ones made).
// Not handled (kept, as before): async and generator wrappers (their bodies outlive the load), a
// wrapper whose body the running text gave no accessor, one whose head changed (its parameters).
import ts from 'typescript';
import type { ModuleStep } from '../../../common/patch';
import { SCOPE_REGISTRY_KEY } from '../../../common/runningText';
import { compareTopLevel, type FileChanges, type FunctionChange, type TopLevelChange } from './changes';
import { definitionSteps, type DefinitionPlan } from './definitionSteps';
import { isFunctionNode, parse, type FunctionInfo } from './functions';
import { loadDependents, type LoadDependence } from './loadDependence';
import { statementsOf, topLevelStatements, type TopLevelStatement } from './topLevel';

export interface LoadScopePlan {
  steps: ModuleStep[];
  /** Per wrapper given steps: what changed in its body, what ran again, what holds old values. */
  scopes: ScopeOutcome[];
}

export interface ScopeOutcome {
  /** The wrapper's `FunctionInfo.path`. */
  path: string;
  changes: TopLevelChange[];
  definitions: DefinitionPlan;
  dependents: LoadDependence[];
  /**
   * Names its body declares that were added or removed: its scope's context changes layout (the
   * accessor's eval keeps every binding there), so V8 cannot move the existing closures of the
   * functions changed inside it to their new code, and a new binding does not exist in the scope
   * that ran. Never handled; its changed functions get a closure risk (checked after applying).
   */
  layoutChanged?: string;
}

/** A wrapper's body as a top level: its statements (the accessor left out), its number. */
interface ScopeBody {
  id: number;
  statements: TopLevelStatement[];
}

/**
 * The changes with a closure risk on every changed function inside a wrapper whose declarations
 * changed (`ScopeOutcome.layoutChanged`), so the runtime checks them after applying (LU006).
 */
export function withLayoutRisk(changes: FileChanges, plan: LoadScopePlan | undefined): FileChanges {
  const changedScopes = (plan?.scopes ?? []).filter((s) => s.layoutChanged !== undefined);
  if (changedScopes.length === 0) return changes;
  const riskOf = (path: string): string | undefined => changedScopes.find((s) => path === s.path || path.startsWith(`${s.path}/`))?.layoutChanged;
  return { ...changes, changed: changes.changed.map((c) => (c.closureRisk || !riskOf(c.after.path) ? c : { ...c, closureRisk: riskOf(c.after.path)! })) };
}

/** Steps for the changed `wrappers` (keptLoadTime's), from the running text `beforeText` to `afterText`. */
export function loadScopeSteps(file: string, beforeText: string, afterText: string, wrappers: FunctionChange[], changes: FileChanges, afterFunctions: FunctionInfo[]): LoadScopePlan {
  const plan: LoadScopePlan = { steps: [], scopes: [] };
  if (wrappers.length === 0) return plan;
  const beforeFile = parse(file, beforeText);
  const afterFile = parse(file, afterText);
  const beforeKnown = definitionNames(beforeFile);
  const afterKnown = definitionNames(afterFile);
  for (const wrapper of wrappers) {
    const before = scopeBody(beforeFile, wrapper.before.startOffset, beforeKnown);
    const after = scopeBody(afterFile, wrapper.after.startOffset, afterKnown);
    if (!before || !after || wrapper.before.signature !== wrapper.after.signature) continue;
    const bodyChanges = compareTopLevel(before.statements, after.statements);
    const names = (body: ScopeBody): Set<string> => new Set(body.statements.flatMap((s) => s.names));
    const definitions = definitionSteps({ topLevel: before.statements, topLevelNames: names(before) }, { topLevel: after.statements, topLevelNames: names(after) }, { topLevel: bodyChanges }, { esModule: false, remakeTables: false });
    const dependents = loadDependents(after.statements, afterFunctions, { ...changes, topLevel: bodyChanges }, definitions.reevaluated, undefined, definitions.inPlace);
    for (const step of definitions.steps) plan.steps.push({ ...step, label: `${wrapper.after.displayName}: ${step.label}`, scope: after.id });
    const added = [...names(after)].filter((n) => !names(before).has(n));
    const removed = [...names(before)].filter((n) => !names(after).has(n));
    const layoutChanged = added.length || removed.length ? `the declarations of \`${wrapper.after.displayName}\` changed (${[...added.map((n) => `\`${n}\` added`), ...removed.map((n) => `\`${n}\` removed`)].join(', ')})` : undefined;
    plan.scopes.push({ path: wrapper.after.path, changes: bodyChanges, definitions, dependents, ...(layoutChanged ? { layoutChanged } : {}) });
  }
  return plan;
}

/** The names the module's top level defines (what a wrapper's statements may read as constant). */
function definitionNames(sf: ts.SourceFile): Set<string> {
  return new Set(topLevelStatements(sf).filter((s) => s.class === 'definition').flatMap((s) => s.names));
}

/** The body of the wrapper that starts at `start`, with the number of its accessor; undefined when it has none. */
function scopeBody(sf: ts.SourceFile, start: number, moduleDefinitions: Set<string>): ScopeBody | undefined {
  const fn = functionAt(sf, start);
  if (!fn?.body || !ts.isBlock(fn.body) || fn.asteriskToken || (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return undefined;
  const accessor = fn.body.statements.findIndex((s) => accessorNumber(s, sf) !== undefined);
  if (accessor < 0) return undefined;
  const id = accessorNumber(fn.body.statements[accessor]!, sf)!;
  const statements = fn.body.statements.filter((_, i) => i !== accessor);
  const params = fn.parameters.flatMap((p) => (ts.isIdentifier(p.name) ? [p.name.text] : []));
  return { id, statements: statementsOf(statements, sf, fn.body, [...moduleDefinitions, ...params]) };
}

function functionAt(sf: ts.SourceFile, start: number): ts.FunctionLikeDeclaration | undefined {
  let found: ts.FunctionLikeDeclaration | undefined;
  const visit = (node: ts.Node): void => {
    if (found || node.getEnd() <= start || node.getFullStart() > start) return;
    if (isFunctionNode(node) && node.getStart(sf) === start) found = node;
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return found;
}

const ACCESSOR_HEAD = `globalThis[Symbol.for(${JSON.stringify(SCOPE_REGISTRY_KEY)})]?.(`;

/** The scope number of a load scope's accessor statement (common/loadScopes.ts), else undefined. */
function accessorNumber(statement: ts.Statement, sf: ts.SourceFile): number | undefined {
  if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return undefined;
  if (!statement.getText(sf).startsWith(ACCESSOR_HEAD)) return undefined;
  const id = statement.expression.arguments[2];
  return id && ts.isNumericLiteral(id) ? Number(id.text) : undefined;
}
