// State transformers (issue 6): when the representation of a top-level binding changes, the user
// writes, next to it and in the same language, a named function expression `transform$<binding>`
// that takes the running (old) value and returns the new one:
//
//   let sessions = new Map<string, Session>();            // was: new Map<string, string>()
//   void function transform$sessions(old: Map<string, string>): typeof sessions {
//     return new Map([...old].map(([id, user]) => [id, { user, since: Date.now() }]));
//   };
//
// A function *expression* (`void function …`), not a declaration: it adds no top-level binding. A
// new top-level binding changes the module's scope layout, and V8 then leaves every existing
// closure of the module on its old code (see changes.ts, `contextLayoutChange`); a declaration
// named `transform$x` is reported and not run. At load it only creates a function and drops it.
//
// The update then assigns `sessions = transform$sessions(sessions)` in the module's scope, inside
// its transaction (a `transformer` step). It runs once: only in a save where its text is new or
// changed compared with what runs, and where the binding's declaration changed in that save or the
// transformer itself is new; and the runtime remembers, per module, which transformer it ran for
// which declaration of the binding (`ModuleStep.once`), so a module whose top level cannot change
// (an ES module keeps its running top level) never runs it twice for one change. See docs/state.md.
import ts from 'typescript';
import { hashText, type ModuleStep } from '../../../common/patch';

export const TRANSFORMER_PREFIX = 'transform$';

export interface TransformerFacts {
  /** Top-level variable declarations: binding name → the statement's text. */
  declarations: Map<string, string>;
  /** `void function transform$x(old) {…}` by the binding they transform. */
  transformers: Map<string, ts.FunctionExpression>;
  /** `function transform$x` declarations (the wrong form: they add a top-level binding). */
  declared: ts.FunctionDeclaration[];
  sf: ts.SourceFile;
}

export function transformerFacts(file: string, code: string): TransformerFacts {
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const declarations = new Map<string, string>();
  const transformers = new Map<string, ts.FunctionExpression>();
  const declared: ts.FunctionDeclaration[] = [];
  for (const statement of sf.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) declarations.set(d.name.text, statement.getText(sf));
    } else if (ts.isFunctionDeclaration(statement) && statement.name?.text.startsWith(TRANSFORMER_PREFIX)) {
      declared.push(statement);
    } else if (ts.isExpressionStatement(statement) && ts.isVoidExpression(statement.expression)) {
      const fn = statement.expression.expression;
      if (ts.isFunctionExpression(fn) && fn.name?.text.startsWith(TRANSFORMER_PREFIX)) transformers.set(fn.name.text.slice(TRANSFORMER_PREFIX.length), fn);
    }
  }
  return { declarations, transformers, declared, sf };
}

export interface TransformerIssue {
  /** The transformer's name, and why it was not run. */
  name: string;
  line: number;
  column: number;
  reason: string;
}

/** The `transformer` steps of a save from `before` (what runs) to `after`, and transformers that cannot run. */
export function transformerSteps(file: string, before: string, after: string): { steps: ModuleStep[]; issues: TransformerIssue[]; lines: number[] } {
  const steps: ModuleStep[] = [];
  const issues: TransformerIssue[] = [];
  if (!after.includes(TRANSFORMER_PREFIX)) return { steps, issues, lines: [] };
  const old = transformerFacts(file, before);
  const now = transformerFacts(file, after);
  const lines = [...now.transformers.values()].map((fn) => now.sf.getLineAndCharacterOfPosition(fn.parent.getStart(now.sf)).line);
  for (const fn of now.declared) {
    if (old.declared.some((o) => o.getText(old.sf) === fn.getText(now.sf))) continue;
    const at = now.sf.getLineAndCharacterOfPosition(fn.name!.getStart(now.sf));
    issues.push({
      name: fn.name!.text,
      line: at.line,
      column: at.character,
      reason: `a state transformer is written \`void function ${fn.name!.text}(old) { … };\` (a function expression): a new top-level declaration would leave the module's existing closures on their old code`,
    });
  }
  for (const [name, fn] of now.transformers) {
    const text = fn.getText(now.sf);
    const previous = old.transformers.get(name);
    if (previous && previous.getText(old.sf) === text) continue; // Ran already (or never will): unchanged.
    const declaration = now.declarations.get(name);
    const at = now.sf.getLineAndCharacterOfPosition(fn.name!.getStart(now.sf));
    const issue = (reason: string) => issues.push({ name: fn.name!.text, line: at.line, column: at.character, reason });
    if (declaration === undefined) {
      issue(`there is no top-level \`let\`, \`const\` or \`var\` named \`${name}\` in this file`);
      continue;
    }
    if (!old.declarations.has(name)) continue; // A new binding: its initializer runs (nothing to transform).
    if (fn.asteriskToken || (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      issue('a state transformer must be a plain synchronous function (it runs inside the update)');
      continue;
    }
    const changed = old.declarations.get(name) !== declaration;
    if (!changed && previous) continue; // An edit of a transformer that already ran, with the state unchanged.
    const expression = fn.getText(now.sf);
    const code = `${name} = (${expression})(${name});`;
    steps.push({ kind: 'transformer', label: fn.name!.text, line: at.line, code, assigns: [name], once: hashText(`${fn.name!.text}\n${declaration}`) });
  }
  return { steps, issues, lines };
}

/** Binding names that have a transformer in `code` (for the LU009 message). */
export function transformedNames(file: string, code: string): Set<string> {
  if (!code.includes(TRANSFORMER_PREFIX)) return new Set();
  return new Set(transformerFacts(file, code).transformers.keys());
}

export const REVERSE_PREFIX = 'revert$';

/**
 * The reverse of `transform$<binding>` that a rollback runs, when `code` (the text that runs now)
 * has one: `void function revert$<binding>(current) { return …old form…; };`, written next to the
 * forward transformer. It forgets the forward transformer's `once` key, so rolling forward again
 * converts the state again.
 */
export function reverseTransformerStep(file: string, code: string, binding: string): ModuleStep | undefined {
  if (!code.includes(REVERSE_PREFIX + binding)) return undefined;
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const now = transformerFacts(file, code);
  for (const statement of sf.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isVoidExpression(statement.expression)) continue;
    const fn = statement.expression.expression;
    if (!ts.isFunctionExpression(fn) || fn.name?.text !== REVERSE_PREFIX + binding) continue;
    const line = sf.getLineAndCharacterOfPosition(fn.name.getStart(sf)).line;
    const declaration = now.declarations.get(binding);
    return {
      kind: 'transformer',
      label: fn.name.text,
      line,
      code: `${binding} = (${fn.getText(sf)})(${binding});`,
      assigns: [binding],
      ...(declaration !== undefined ? { forgets: [hashText(`${TRANSFORMER_PREFIX}${binding}\n${declaration}`)] } : {}),
    };
  }
  return undefined;
}
