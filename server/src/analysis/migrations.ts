// Instance migrations (issue 6): when a class's fields change (instance fields, or `this.x = …`
// assignments at the top of its constructor), the update migrates the instances that already
// exist, eagerly, inside its transaction (a `migration` step; runtime/src/migration.ts finds them
// on the heap). The default rule: an added field gets its initializer's value (evaluated with
// `this` = the instance, in the module's scope), a removed field is deleted. Anything else is the
// class's migrator, a static method named `migrate$`, called once per existing instance after the
// default rule and before removed fields are deleted (so it can still read them):
//
//   class Session {
//     user = '';
//     since = Date.now();                         // added: existing sessions get Date.now()
//     static migrate$(s: Session & { name?: string }) {
//       s.user = s.name ?? 'anonymous';           // `name` was removed: still readable here
//     }
//   }
//
// Like a state transformer, the migrator runs only in a save where its text is new or changed.
// An added constructor field whose value reads the constructor's parameters or locals cannot be
// computed for an existing object: it gets `undefined` and the diagnostic says to write a migrator.
import ts from 'typescript';
import { hashText, type ModuleStep } from '../../../common/patch';

export const MIGRATOR_NAME = 'migrate$';

interface ClassFacts {
  name: string;
  /** Instance field → its initializer's text (undefined: none, or not computable for an existing object). */
  fields: Map<string, string | undefined>;
  migrator?: ts.MethodDeclaration;
  /** 0-based line of the class name. */
  line: number;
  column: number;
}

function classFacts(file: string, code: string): { classes: Map<string, ClassFacts>; sf: ts.SourceFile } {
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const classes = new Map<string, ClassFacts>();
  for (const statement of sf.statements) {
    if (!ts.isClassDeclaration(statement) || !statement.name) continue;
    const at = sf.getLineAndCharacterOfPosition(statement.name.getStart(sf));
    const facts: ClassFacts = { name: statement.name.text, fields: new Map(), line: at.line, column: at.character };
    for (const member of statement.members) {
      const isStatic = ((ts.canHaveModifiers(member) ? ts.getModifiers(member) : undefined) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
      if (ts.isPropertyDeclaration(member) && !isStatic) {
        const name = fieldName(member.name);
        if (name !== undefined) facts.fields.set(name, member.initializer ? member.initializer.getText(sf) : 'undefined');
      } else if (ts.isMethodDeclaration(member) && isStatic && fieldName(member.name) === MIGRATOR_NAME && member.body) {
        facts.migrator = member;
      } else if (ts.isConstructorDeclaration(member) && member.body) {
        const locals = new Set<string>();
        for (const p of member.parameters) collectNames(p.name, locals);
        for (const s of member.body.statements) if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) collectNames(d.name, locals);
        for (const s of member.body.statements) {
          if (!ts.isExpressionStatement(s) || !ts.isBinaryExpression(s.expression) || s.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
          const target = s.expression.left;
          if (!ts.isPropertyAccessExpression(target) || target.expression.kind !== ts.SyntaxKind.ThisKeyword || !ts.isIdentifier(target.name)) continue;
          if (facts.fields.has(target.name.text)) continue;
          const value = s.expression.right;
          facts.fields.set(target.name.text, readsAny(value, locals) ? undefined : value.getText(sf));
        }
      }
    }
    classes.set(facts.name, facts);
  }
  return { classes, sf };
}

function fieldName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined; // #private (the runtime cannot add it from outside) and computed names
}

function collectNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else for (const e of name.elements) if (!ts.isOmittedExpression(e)) collectNames(e.name, into);
}

function readsAny(node: ts.Node, names: Set<string>): boolean {
  if (names.size === 0) return false;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && names.has(n.text) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) found = true;
    else if (n.kind === ts.SyntaxKind.Identifier && (n as ts.Identifier).text === 'arguments') found = true;
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

export interface MigrationPlan {
  className: string;
  added: string[];
  removed: string[];
  /** Added fields that get `undefined` because their value reads the constructor's parameters. */
  uncomputable: string[];
  migrator: boolean;
  line: number;
  column: number;
}

/**
 * The `migration` steps of a save from `before` (what runs) to `after` (what will run), with what
 * each does. `saved` is the saved file's running text when the update keeps part of what runs (an
 * ES module's top level: its class fields stay, but a migrator is taken from the saved text).
 */
export function migrationSteps(file: string, before: string, after: string, saved = after): { steps: ModuleStep[]; plans: MigrationPlan[] } {
  const steps: ModuleStep[] = [];
  const plans: MigrationPlan[] = [];
  if (!/\bclass\b/.test(after)) return { steps, plans };
  const old = classFacts(file, before);
  const now = classFacts(file, after);
  const written = saved === after ? now : classFacts(file, saved);
  for (const [name, facts] of now.classes) {
    const previous = old.classes.get(name);
    if (!previous) continue; // A new class has no instances yet.
    const added = [...facts.fields.keys()].filter((f) => !previous.fields.has(f));
    const removed = [...previous.fields.keys()].filter((f) => !facts.fields.has(f));
    const migrator = written.classes.get(name)?.migrator;
    const migratorText = migrator?.getText(written.sf);
    const migratorNew = migratorText !== undefined && migratorText !== previous.migrator?.getText(old.sf);
    if (added.length === 0 && removed.length === 0 && !migratorNew) continue;
    const uncomputable = added.filter((f) => facts.fields.get(f) === undefined);
    const inits = added.map((f) => `[${JSON.stringify(f)}, function () { return (${facts.fields.get(f) ?? 'undefined'}\n); }]`);
    const migrate = migratorNew ? `function ${MIGRATOR_NAME}${written.sf.text.slice(migrator!.name.getEnd(), migrator!.getEnd())}` : 'undefined';
    // The migrator's own key: an ES module keeps its running class (a new method is not spliced in),
    // so a later save sends the migrator again; the runtime calls it once per key and module.
    const migratorKey = migratorNew ? JSON.stringify(hashText(`${name}\n${migratorText}`)) : 'undefined';
    const code = `({ target: ${name}, added: [${inits.join(', ')}], removed: ${JSON.stringify(removed)}, migrate: ${migrate}, migratorKey: ${migratorKey} })`;
    steps.push({ kind: 'migration', label: `class ${name}`, line: facts.line, code, assigns: [], once: hashText(`migration\n${code}`) });
    plans.push({ className: name, added, removed, uncomputable, migrator: migratorNew, line: facts.line, column: facts.column });
  }
  return { steps, plans };
}
