// Which top-level definitions an update re-evaluates in the running module, and how (module steps
// of kind `definition`, see common/patch.ts and runtime/src/moduleSteps.ts). A definition runs
// again when its text changed, when it is new without declaring a new name (exports wiring, a
// loop that fills a table), or when it reads or fills something another re-evaluated definition
// produced; in source order, as the module ran them at load. Each runs as assignments to the
// bindings that exist: `const X = e` as `X = e`, a destructuring as a destructuring assignment,
// `module.exports = {…}` onto the exports object importers already hold. Function and class
// declarations are not run again: LiveEdit already swapped their code, and a new function object
// would leave everyone holding the old one behind. Conservative: anything else stays as it ran.
import ts from 'typescript';
import type { ModuleStep } from '../../../common/patch';
import type { FileChanges } from './changes';
import type { FileFunctions } from './functions';
import type { TopLevelStatement } from './topLevel';
import { compactText } from './syntaxBits';

export interface DefinitionPlan {
  steps: ModuleStep[];
  /** Keys of the statements the steps re-evaluate (changed ones get "re-evaluated", not "kept"). */
  reevaluated: Set<string>;
  /** Changed definitions that stay as they ran, with why (for the "kept" message). */
  kept: Map<string, string>;
  /**
   * Bindings whose object literal the steps rebuild in place: the object the program holds gets the
   * new literal's members (identity kept), so what merely holds it (`return api`, `module.exports =
   * api`) holds the new contents; only what read its contents at load holds old values.
   */
  inPlace: Set<string>;
  /** Changed statements with nothing left to run, with what took their place (said, as a note). */
  settled?: Map<string, string>;
}

/** The pseudo-name of the exports object that `module.exports = …` replaces (its later wiring re-runs). */
const EXPORTS_OBJECT = 'module.exports';

/** A top level's statements and names: the module's (FileFunctions), or a load scope's (loadScopeSteps.ts). */
export type TopLevelOf = Pick<FileFunctions, 'topLevel' | 'topLevelNames'>;

export interface DefinitionOptions {
  esModule: boolean;
  /**
   * A table whose filling statements all run again is made anew (default). Not in a load scope:
   * what the wrapper returned or exported is the table itself, which a new object would not be.
   */
  remakeTables?: boolean;
  /**
   * The function `module.exports` held forwards to the one the new text gives it
   * (forwardedExports.ts): `module.exports = next` then has nothing left to do.
   */
  forwardedExports?: boolean;
  /**
   * New names get their bindings from `declaration` steps that run first (the module's top level,
   * declarations.ts): a definition that declares or reads one runs again like any other. Without
   * (a load scope), such a definition stays as it ran.
   */
  newNamesDeclared?: boolean;
  /**
   * The saved text's statements when the patch text blanks its new declarations: definitions run
   * in the saved text's order, new declarations among them (a table numbered by a load counter
   * gains an entry: every index after it moves).
   */
  saved?: TopLevelOf;
}

export function definitionSteps(before: TopLevelOf, after: TopLevelOf, changes: Pick<FileChanges, 'topLevel'>, options: DefinitionOptions): DefinitionPlan {
  const plan: DefinitionPlan = { steps: [], reevaluated: new Set(), kept: new Map(), inPlace: new Set() };
  after = options.saved ?? after;
  const rebuilt = inPlaceRebuilds(before.topLevel, after.topLevel);
  const runnable = new Map<string, Rerun>();
  const why = new Map<string, string>();
  // Bindings declared as values (not functions or classes): what `module.exports = name` can merge.
  const valueNames = new Set(after.topLevel.filter((s) => s.key.startsWith('var ') || s.key.startsWith('let ') || s.key.startsWith('const ')).filter((s) => s.reason !== 'declares a function').flatMap((s) => s.names));
  const newNames = new Set([...after.topLevelNames].filter((n) => !before.topLevelNames.has(n)));
  const keysBefore = new Set(before.topLevel.map((s) => s.key));
  for (const s of after.topLevel) {
    const r = rerunOf(s, options.newNamesDeclared ? new Set() : newNames, options, valueNames, rebuilt, !keysBefore.has(s.key));
    if (typeof r === 'string') why.set(s.key, r);
    else if (r) runnable.set(s.key, r);
  }
  // A table some statement fills that cannot run again is never made anew, even when its own
  // declaration changed: the members that statement put there would be lost (issue 20, shape F).
  const declaredBy = new Map<string, TopLevelStatement>();
  for (const s of after.topLevel) for (const name of s.names) declaredBy.set(name, s);
  const fillers = (root: string): TopLevelStatement[] => after.topLevel.filter((t) => t !== declaredBy.get(root) && t.fills.includes(root));
  for (const s of after.topLevel) {
    if (!runnable.has(s.key)) continue;
    for (const name of s.names) {
      const stays = fillers(name).find((t) => !runnable.has(t.key));
      if (!stays) continue;
      runnable.delete(s.key);
      why.set(s.key, `it would make \`${name}\` anew, which \`${stays.key}\` fills and does not run again`);
      break;
    }
  }
  // A new declaration is made by its own `declaration` step (declarations.ts): it runs again here
  // only as part of what another change runs again (a numbered table's sequence).
  const seeds = new Set<string>();
  // A change as the saved text classes it: where the patch text blanks a new declaration, what
  // reads it is no definition there (`src[COERCE] = …` with `var COERCE = R++` new).
  const byKey = new Map(after.topLevel.map((s) => [s.key, s]));
  for (const change of changes.topLevel) {
    const statement = byKey.get(change.statement.key) ?? change.statement;
    if (statement.class !== 'definition') continue;
    // A removed statement that filled an object rebuilt in place: the rebuild removes its members.
    if (change.change === 'removed') {
      for (const root of statement.fills) {
        const declaration = declaredBy.get(root);
        if (rebuilt.has(root) && declaration && runnable.has(declaration.key)) seeds.add(declaration.key);
      }
      continue;
    }
    if (statement.names.some((n) => newNames.has(n))) continue;
    if (runnable.has(statement.key)) seeds.add(statement.key);
    else if (why.has(statement.key)) plan.kept.set(statement.key, why.get(statement.key)!);
    else if (options.forwardedExports && statement.key === 'module.exports =') {
      (plan.settled ??= new Map()).set(statement.key, 'The function `module.exports` held when the module loaded, which the modules that loaded it hold, now forwards every call to the new one: they run the new code.');
    }
  }
  // A definition that calls the module's own functions at load (localEffects.ts) runs again when
  // their code changed, though its text did not: it then computes with the new code, as a fresh
  // start would (else loadDependence.ts says it holds what the old code made). Only when the old
  // code was pure too: what an effect did at load, a re-run would not undo.
  const previous = new Map(before.topLevel.map((s) => [s.key, s]));
  for (const s of after.topLevel) {
    const old = previous.get(s.key);
    if (s.calledCode !== undefined && old?.class === 'definition' && old.calledCode !== undefined && old.calledCode !== s.calledCode && runnable.has(s.key)) seeds.add(s.key);
  }
  if (seeds.size === 0) return plan;
  // A table filled anew is made anew: when a statement that fills a table runs again, so does the
  // table's declaration (and with it every statement that fills it), until nothing is added.
  let included: TopLevelStatement[] = [];
  for (let round = 0; round < 20; round++) {
    included = [];
    const produced = new Set<string>();
    for (const s of after.topLevel) {
      const rerun = runnable.get(s.key);
      if (!rerun) continue;
      const dependent = s.reads.some((n) => produced.has(n)) || s.fills.some((n) => produced.has(n)) || (rerun.wiresExports && produced.has(EXPORTS_OBJECT));
      if (!seeds.has(s.key) && !dependent) continue;
      included.push(s);
      for (const name of s.names) produced.add(name);
      for (const name of rerun.produces) produced.add(name);
    }
    const before = seeds.size;
    for (const s of included) {
      for (const root of s.fills) {
        // Runnable only when every statement that fills it runs again (above). Without remade
        // tables (a load scope), only an object rebuilt in place: it stays the one held.
        const declaration = declaredBy.get(root);
        if (declaration && runnable.has(declaration.key) && (options.remakeTables !== false || rebuilt.has(root))) seeds.add(declaration.key);
      }
    }
    if (seeds.size === before) break;
  }
  for (const s of included) {
    const rerun = runnable.get(s.key)!;
    plan.reevaluated.add(s.key);
    plan.steps.push({ kind: 'definition', label: s.key, line: s.anchorStart.line, code: rerun.code, assigns: rerun.assigns });
    for (const name of s.names) if (rebuilt.has(name)) plan.inPlace.add(name);
  }
  return plan;
}

interface Rerun {
  code: string;
  assigns: string[];
  /** Extra names it produces (the exports object). */
  produces: string[];
  /** It writes members of the exports object. */
  wiresExports: boolean;
}

/** How a statement runs again in the module's scope; a reason it does not; undefined when it is no definition. */
function rerunOf(s: TopLevelStatement, newNames: ReadonlySet<string>, options: { esModule: boolean; forwardedExports?: boolean }, valueNames: ReadonlySet<string>, rebuilt: ReadonlyMap<string, string[]>, added: boolean): Rerun | string | undefined {
  if (s.class !== 'definition') return undefined;
  if (/^(function|class) /.test(s.key) || s.reason === 'declares a function' || s.reason === 'declares a class') return undefined;
  if (s.names.some((n) => newNames.has(n))) return 'it declares a new top-level name';
  const readsNew = s.reads.find((n) => newNames.has(n));
  if (readsNew) return `it reads \`${readsNew}\`, new at the top level`;
  // A `const` object rebuilt in place is not assigned (below).
  if (s.immutable && !s.names.every((n) => rebuilt.has(n))) return 'its `const` binding cannot be assigned in the running module';
  // Compilers' header (`exports.b = exports.a = void 0;`): it only resets what the wiring after it
  // assigns; run again alone, it would wipe the exports importers hold.
  if (resetsExportsOnly(s.source)) return undefined;
  const sf = ts.createSourceFile('statement.js', s.source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const statement = sf.statements[0];
  if (!statement || sf.statements.length !== 1) return 'Live Update could not isolate it';
  if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
    return options.esModule ? "an ES module's export list is wired once (its bindings are live)" : 'it is an export list';
  }
  if (ts.isVariableStatement(statement)) {
    const parts: string[] = [];
    for (const d of statement.declarationList.declarations) {
      if (!d.initializer) return 'it is declared without a value';
      const target = d.name.getText(sf);
      const value = d.initializer.getText(sf);
      const gone = ts.isIdentifier(d.name) ? rebuilt.get(target) : undefined;
      if (gone) parts.push(`${s.immutable ? '' : `${target} = `}${REBUILD}(${target}, ${value}, ${JSON.stringify(gone)});`);
      else parts.push(ts.isIdentifier(d.name) ? `${target} = ${value};` : `(${target} = ${value});`);
    }
    // What its values also write: the exports (`var src = exports.src = []`), a load counter (`R++`);
    // and the members of an object rebuilt in place (put back if the update is undone).
    const writes = s.fills.map((n) => (n === 'exports' ? 'exports.*' : n === 'module' ? 'module.exports.*' : n));
    const members = s.names.filter((n) => rebuilt.has(n)).map((n) => `${n}.*`);
    // A `const` rebuilt in place keeps its binding: only its members are put back on an undo.
    return { code: parts.join('\n'), assigns: [...(s.immutable ? [] : s.names), ...writes, ...members], produces: [], wiresExports: false };
  }
  const fills = s.fills.filter((n) => n !== 'module' && n !== 'exports').map((n) => `${n}.*`);
  if (ts.isExpressionStatement(statement)) {
    const e = skipParens(statement.expression);
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = compactText(e.left, sf);
      if (left === 'module.exports') {
        // Anything but an object the merge can carry onto the exports object importers hold (a
        // function, a class, what a call returns): they keep the one they loaded. Not run again,
        // and said (issue 20).
        if (options.forwardedExports && ts.isIdentifier(skipParens(e.right))) return undefined;
        if (!mergeable(skipParens(e.right), valueNames)) return 'it gives `module.exports` a new value that is not an object the update can merge: the modules that loaded it hold the previous one';
        return { code: `${MERGE_EXPORTS}(${e.right.getText(sf)});`, assigns: ['module.exports', 'module.exports.*'], produces: [EXPORTS_OBJECT], wiresExports: false };
      }
      const exportsRoot = /^(module\.exports|exports)[.[]/.exec(left)?.[1];
      if (exportsRoot) return { code: s.source, assigns: [`${exportsRoot}.*`, ...fills], produces: [], wiresExports: true };
      // `Diff.prototype = { … }`: objects the module made at load (`new Diff()`) hold the object
      // it gave then, so the new members go onto that one, as a fresh start's objects would see them.
      if (PROTOTYPE_TARGET.test(left) && ts.isObjectLiteralExpression(skipParens(e.right))) {
        const gone = rebuilt.get(left);
        if (!gone) return `it gives \`${left}\` a new object, and the objects made from the previous one keep that one`;
        return { code: `${left} = ${REBUILD}(${left}, ${e.right.getText(sf)}, ${JSON.stringify(gone)});`, assigns: [`${left}.*`], produces: [], wiresExports: false };
      }
      return { code: s.source, assigns: fills, produces: [], wiresExports: false };
    }
    if (ts.isCallExpression(e)) {
      const callee = compactText(e.expression, sf);
      const first = e.arguments[0] && compactText(e.arguments[0], sf);
      // A property the exports did not have (a re-export getter a compiler added): defined, and
      // configurable, so that an undo or a later update can take it back. One defined at load
      // may not be redefined (compilers leave it non-configurable): it stays, and is said.
      const property = e.arguments[1];
      if (callee === 'Object.defineProperty' && first && /^(module\.exports|exports)$/.test(first) && added && property && ts.isStringLiteral(property) && IDENTIFIER.test(property.text) && e.arguments.length === 3) {
        return { code: `${DEFINE_EXPORT}(${first}, ${property.getText(sf)}, ${e.arguments[2]!.getText(sf)});`, assigns: [`${first}.${property.text}`], produces: [], wiresExports: true };
      }
      if (callee !== 'Object.assign' || !first || !/^(module\.exports|exports)$/.test(first)) return 'it defines properties once';
      return { code: s.source, assigns: [`${first}.*`], produces: [], wiresExports: true };
    }
    return 'Live Update does not re-run this kind of statement';
  }
  if (ts.isIterationStatement(statement, false)) {
    if (fills.length === 0) return 'it fills nothing Live Update can restore';
    return { code: s.source, assigns: fills, produces: [], wiresExports: s.fills.includes('exports') || s.fills.includes('module') };
  }
  return 'Live Update does not re-run this kind of statement';
}

/** `module.exports = {…}` or `= name` of a value binding: an object the merge carries onto the exports importers hold. */
function mergeable(value: ts.Expression, valueNames: ReadonlySet<string>): boolean {
  return ts.isObjectLiteralExpression(value) || (ts.isIdentifier(value) && valueNames.has(value.text));
}

/** `exports.a = exports.b = void 0;` as tsc and Babel emit it before the exports are assigned. */
export function resetsExportsOnly(source: string): boolean {
  return /^(\s*(module\.)?exports(\.[\w$]+|\[["'][^"']+["']\])\s*=\s*)+(void 0|undefined)\s*;?\s*$/.test(source);
}

function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/**
 * `module.exports = value` run again: importers hold the exports object, so its members become the
 * new value's (members the new value lacks are removed) instead of replacing it. A value that is
 * not an object (a function, a primitive) replaces it, as a fresh start would.
 */
const MERGE_EXPORTS =
  '((next) => { const now = module.exports; if (now === next) return; ' +
  "if (now === null || typeof now !== 'object' || next === null || typeof next !== 'object' || Object.getPrototypeOf(now) !== Object.getPrototypeOf(next)) { module.exports = next; return; } " +
  'for (const k of Object.keys(now)) if (!Object.prototype.hasOwnProperty.call(next, k)) delete now[k]; ' +
  'Object.assign(now, next); })';

/**
 * `Object.defineProperty(exports, "name", descriptor)` new in the text: the property is defined
 * unless the exports already hold one they cannot give up (then it throws, and the update is undone
 * and says why). Configurable, unlike a fresh start's, so the undo can remove it.
 */
const DEFINE_EXPORT =
  '((o, k, d) => { const now = Object.getOwnPropertyDescriptor(o, k); ' +
  "if (now && !now.configurable) throw new TypeError('the exports already hold ' + k + ', defined when the module loaded'); " +
  'Object.defineProperty(o, k, { ...d, configurable: true }); })';

/** A property name restoreBindings (runtime/src/moduleSteps.ts) can put back. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The bindings declared with an object literal that a re-run rebuilds in place, each with the
 * members to remove: those the previous text put there (its literal, or a statement filling it as
 * `name.key = …`) and the new one no longer does. Identity is kept, so whatever holds the object
 * (an importer, what a load-time wrapper returned or exported, another table) sees the new members,
 * as a fresh start's would. A member no statement of the previous text named stays (code not run
 * again, or the program itself, put it there: issue 20, shape F). Only when both texts declare it
 * with a plain object literal, and every member the previous text gave it is known by name: a
 * spread, a computed key or a filler with a computed key (`name[k] = …`) may have put members there
 * the rebuild could not tell to remove. Others are made anew, as before.
 */
function inPlaceRebuilds(before: readonly TopLevelStatement[], after: readonly TopLevelStatement[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  // A prototype given by an object literal (`Diff.prototype = { … }`), when no other statement of
  // either text fills the constructor or its prototype (members the rebuild could not account for).
  for (const s of after) {
    // The key names the target (topLevel.ts): only those statements are parsed once more.
    const next = s.class === 'definition' && s.key.endsWith('.prototype =') ? prototypeLiteral(s.source) : undefined;
    if (!next || next.shape.proto || next.shape.keys === undefined) continue;
    const old = before.find((b) => b.class === 'definition' && b.key === s.key);
    const previous = old && prototypeLiteral(old.source);
    if (!previous || previous.target !== next.target || previous.shape.proto || previous.shape.keys === undefined) continue;
    const root = next.target.split('.')[0]!;
    if ([...before, ...after].some((t) => t !== s && t !== old && t.fills.includes(root))) continue;
    out.set(next.target, previous.shape.keys.filter((k) => !next.shape.keys!.includes(k)));
  }
  for (const s of after) {
    if (s.class !== 'definition' || !/^(var|let|const) /.test(s.key)) continue;
    for (const [name, next] of objectLiterals(s.source)) {
      // `__proto__: x` gives the literal another prototype: not a member the rebuild can carry.
      if (next.proto) continue;
      const old = before.find((b) => b.class === 'definition' && /^(var|let|const) /.test(b.key) && b.names.includes(name));
      const previous = old && objectLiterals(old.source).get(name);
      if (!old || !previous || previous.proto || previous.keys === undefined) continue;
      const oldFilled = filledKeys(before, old, name);
      if (oldFilled === undefined) continue;
      const now = new Set([...(next.keys ?? []), ...(filledKeys(after, s, name) ?? [])]);
      out.set(name, [...new Set([...previous.keys, ...oldFilled])].filter((k) => !now.has(k)));
    }
  }
  return out;
}

interface LiteralShape {
  /** Its members' names; undefined when one is spread or computed. */
  keys: string[] | undefined;
  /** It sets its prototype (`__proto__: …`). */
  proto: boolean;
}

/** `Name.prototype`: a constructor's prototype, named as a statement's target is. */
const PROTOTYPE_TARGET = /^[\p{L}$_][\p{L}\p{Nd}$_]*\.prototype$/u;

/** The object literal a statement `Name.prototype = { … }` gives, with its target. */
function prototypeLiteral(source: string): { target: string; shape: LiteralShape } | undefined {
  const sf = ts.createSourceFile('statement.js', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const statement = sf.statements[0];
  if (!statement || sf.statements.length !== 1 || !ts.isExpressionStatement(statement)) return undefined;
  const e = skipParens(statement.expression);
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const target = compactText(e.left, sf);
  const value = skipParens(e.right);
  if (!PROTOTYPE_TARGET.test(target) || !ts.isObjectLiteralExpression(value)) return undefined;
  return { target, shape: literalShape(value) };
}

function literalShape(init: ts.ObjectLiteralExpression): LiteralShape {
  const names = init.properties.map((p) => (p.name && !ts.isComputedPropertyName(p.name) && !ts.isPrivateIdentifier(p.name) ? p.name.text : undefined));
  const keys = names.every((k): k is string => k !== undefined) ? names : undefined;
  const proto = init.properties.some((p) => ts.isPropertyAssignment(p) && p.name && !ts.isComputedPropertyName(p.name) && !ts.isPrivateIdentifier(p.name) && p.name.text === '__proto__');
  return { keys, proto };
}

/** The object literals a variable statement's plain-named declarators are initialized with. */
function objectLiterals(source: string): Map<string, LiteralShape> {
  const out = new Map<string, LiteralShape>();
  const sf = ts.createSourceFile('statement.js', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const statement = sf.statements[0];
  if (!statement || sf.statements.length !== 1 || !ts.isVariableStatement(statement)) return out;
  for (const d of statement.declarationList.declarations) {
    const init = d.initializer && skipParens(d.initializer);
    if (!ts.isIdentifier(d.name) || !init || !ts.isObjectLiteralExpression(init)) continue;
    out.set(d.name.text, literalShape(init));
  }
  return out;
}

/**
 * The members the statements of a top level other than `declaration` give `name` directly (`name.k
 * = …`, `name['k'] = …`); undefined when one gives it a member by a computed key. Deeper writes
 * (`name.a.b = …`) fill `name.a`, not `name`.
 */
function filledKeys(statements: readonly TopLevelStatement[], declaration: TopLevelStatement, name: string): string[] | undefined {
  const keys: string[] = [];
  for (const s of statements) {
    if (s === declaration || !s.fills.includes(name)) continue;
    const sf = ts.createSourceFile('statement.js', s.source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    let computed = false;
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n)) return; // Runs later, if ever: what it fills is the program's.
      if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
        const left = skipParens(n.left);
        if ((ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) && ts.isIdentifier(skipParens(left.expression)) && (skipParens(left.expression) as ts.Identifier).text === name) {
          if (ts.isPropertyAccessExpression(left)) keys.push(left.name.text);
          else if (ts.isStringLiteralLike(left.argumentExpression) || ts.isNumericLiteral(left.argumentExpression)) keys.push(left.argumentExpression.text);
          else computed = true;
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
    if (computed) return undefined;
  }
  return keys;
}

/**
 * An object literal the module built at load, built again in place: the members `gone` names that
 * the new object lacks are removed, then every own member of the new object (accessors as
 * accessors) is defined on the one the program holds, which stays the binding's value. It throws
 * (the update is undone, and says why) when the held object cannot take them: it is no longer a
 * plain object, or was frozen or sealed since.
 */
const REBUILD =
  '((now, next, gone) => { if (now === next) return now; ' +
  "if (now === null || typeof now !== 'object' || Object.getPrototypeOf(now) !== Object.getPrototypeOf(next) || !Object.isExtensible(now)) throw new TypeError('the object it built at load cannot be rebuilt in place (another kind of object now, or frozen)'); " +
  "for (const k of gone) if (!Object.prototype.hasOwnProperty.call(next, k) && !Reflect.deleteProperty(now, k)) throw new TypeError('the object it built at load keeps a member it no longer has: ' + k); " +
  'for (const k of Reflect.ownKeys(next)) Object.defineProperty(now, k, Object.getOwnPropertyDescriptor(next, k)); return now; })';
