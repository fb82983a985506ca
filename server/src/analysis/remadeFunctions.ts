// Top-level functions an update re-makes in the running module. V8 LiveEdit matches old and new
// functions through a text diff (liveEditOrder.ts): a function whose text moved past others is new
// to it, and the module's binding keeps the old closure, on the old code, while V8 answers Ok (npm
// `cookie` 1.0.2 → 1.1.0: `endIndex`, moved below other functions, kept parsing the old way). When
// the module only ever *calls* such a function through its binding, nothing else holds the old
// function object, so the binding can take a new one: a `definition` step evaluates the function's
// new text in the module's scope and assigns it, inside the update's transaction (undone with it).
// The price, said to the user: the re-made function is code of an evaluated script, not of the
// file's (an identity source map points its stack frames at the file's lines, but a breakpoint set
// in the file may not stop in it), and a later LiveEdit of the file cannot reach it, so every
// later change of it is re-made again (the baseline keeps it stranded, `REMADE_REASON`).
import ts from 'typescript';
import type { ModuleStep } from '../../../common/patch';
import { identityMapComment } from './declarations';
import { parse, type FileFunctions } from './functions';

/** Why a re-made function stays stranded in its program (baselines.ts): its binding holds an evaluated copy. */
export const REMADE_REASON = 'an earlier update re-made it outside the file (V8 could not match it to its new text)';

/**
 * The steps that re-make the changed top-level functions in `stale` (paths V8 is predicted to
 * leave on old code: moved past others, or unmatched by the model of its diff; or re-made
 * before) whose binding both `running` (what the program runs) and `code` (the patch's new
 * running text, with `functions`) only ever call.
 */
export function remadeFunctionSteps(file: string, fileUrl: string, running: string, code: string, functions: FileFunctions, changed: ReadonlySet<string>, stale: Iterable<string>): ModuleStep[] {
  const wanted = [...new Set(stale)].filter((path) => changed.has(path));
  if (wanted.length === 0) return [];
  const sf = parse(file, code);
  // What runs now may have handed the function out too (an export the new text dropped).
  const runningSf = parse(file, running);
  const steps: ModuleStep[] = [];
  for (const name of wanted) {
    const declaration = sf.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name && !!s.body);
    const fn = functions.functions.find((f) => f.path === name && f.kind === 'function');
    if (!declaration || !fn || fn.startOffset !== declaration.getStart(sf)) continue;
    if (declaration.modifiers?.some((m) => m.kind !== ts.SyntaxKind.AsyncKeyword)) continue;
    if (!onlyCalled(sf, name) || !onlyCalled(runningSf, name)) continue;
    const lead = fn.start.line > 0 ? '\n'.repeat(fn.start.line) + ' '.repeat(fn.start.column) : ' ';
    steps.push({
      kind: 'definition',
      label: `function ${name}`,
      line: fn.start.line,
      code: `${name} =${lead}${code.slice(fn.startOffset, fn.endOffset)};${identityMapComment(fileUrl, fn.end.line + 1)}`,
      assigns: [name],
      remakes: name,
    });
  }
  return steps;
}

/** The paths of the functions `steps` re-make (of those that ran, given `ran`). */
export function remadeNames(steps: readonly ModuleStep[] | undefined, ran?: readonly string[]): string[] {
  return (steps ?? []).flatMap((s) => (s.remakes !== undefined && (!ran || ran.includes(s.label)) ? [s.remakesPath ?? s.remakes] : []));
}

/**
 * Whether every mention of `name` in the text, but its declaration's, calls it (`name(…)`): then
 * the module reads the binding at each call and nothing holds the function object itself. Any
 * other use (exported, passed, stored, a property set on it, `new`, `typeof`, a local of the same
 * name) may hold or compare the old object: such a function is not re-made.
 */
function onlyCalled(sf: ts.SourceFile, name: string): boolean {
  const own = new Set(sf.statements.flatMap((s) => (ts.isFunctionDeclaration(s) && s.name?.text === name ? [s.name] : [])));
  let ok = true;
  const visit = (node: ts.Node): void => {
    if (!ok) return;
    if (ts.isIdentifier(node) && node.text === name && !own.has(node) && !isPropertyName(node) && !isRedeclaration(node)) {
      const parent = node.parent;
      if (!(ts.isCallExpression(parent) && parent.expression === node)) ok = false;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return ok;
}

/** `var name;`: the declaration the server keeps where a moved function was (declarations.ts), no use. */
function isRedeclaration(node: ts.Identifier): boolean {
  const p = node.parent;
  return ts.isVariableDeclaration(p) && p.name === node && !p.initializer && (p.parent.flags & ts.NodeFlags.BlockScoped) === 0;
}

/** `x.name`, `{ name: … }`, a method or field named `name`: no reference to the binding. */
function isPropertyName(node: ts.Identifier): boolean {
  const p = node.parent;
  return (
    (ts.isPropertyAccessExpression(p) && p.name === node) ||
    ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isPropertySignature(p) || ts.isMethodSignature(p)) && p.name === node)
  );
}
