// The statements of a module's top level, each with a stable identity and a class that says what
// an update may do with it (docs/decisions/015, "Top-level code is classified"):
//   definition — declarations, exports wiring and constant data computed from literals and other
//                definitions: what the new version would compute the same way at start;
//   state      — bindings the program changes at run time (counters, caches, connections);
//   effect     — statements that act outside the module (timers, listen, I/O, registrations,
//                loading another module);
//   unsure     — anything the analysis cannot prove to be one of the above. Kept, and said so.
// The classification is static and conservative: a binding assigned or mutated inside a function
// is state whatever its initializer; a call the analysis does not know to be pure is an effect.
import ts from 'typescript';
import type { Position } from '../../../common/patch';
import { withoutLoadScopeAccessors } from '../../../common/loadScopes';
import { CONST_AS_LET } from '../../../common/runningText';
import { exposed, exposedShort } from './exposure';
import { counterTaken, exportedValue, loadCounters } from './loadCounters';
import { calledCode, isArgument, localCallImpurity, passedImpurity, type LocalCallSite } from './localEffects';
import { localFunctions } from './localFunctions';
import { isPureCall, MUTATING_METHODS, PURE_CONSTRUCTORS, PURE_GLOBALS } from './pureBuiltins';
import { bindingNames, compactSource, compactText, isAssignment, isExportsTarget, isRead, rootIdentifier, skipOuter } from './syntaxBits';

export type StatementClass = 'definition' | 'state' | 'effect' | 'unsure';

export interface TopLevelStatement {
  /** Stable identity: `let count`, `exports.greet =`, `call setInterval`, numbered when repeated. */
  key: string;
  class: StatementClass;
  /** Why it has that class, as a clause a message can use ("is assigned in `tick`"). */
  reason: string;
  /** Bindings the statement declares. */
  names: string[];
  /** Its tokens with every function body blanked: function edits are not top-level edits. */
  text: string;
  /** Where a diagnostic goes: the declared name, or the statement's first line. */
  anchorStart: Position;
  anchorEnd: Position;
  startOffset: number;
  endOffset: number;
  /** The statement's source text, for running it on request. */
  source: string;
  /** Top-level names it reads when it runs (not inside the functions it creates). */
  reads: string[];
  /** Top-level objects it fills (`TABLE.x = …`, `exports.y = …`): roots of member assignments. */
  fills: string[];
  /** A `const` the running text kept as `const` (see topLevelConstAsLet): it cannot be assigned. */
  immutable?: true;
  /**
   * The module's functions whose bodies its class was decided by (localEffects.ts): an edit inside
   * one may change it, so the incremental path leaves such an edit to the whole-file path.
   */
  calls?: string[];
  /** A fingerprint of their code (localEffects.ts `calledCode`). */
  calledCode?: string;
}

export function topLevelStatements(sf: ts.SourceFile): TopLevelStatement[] {
  return statementsOf(sf.statements, sf, sf);
}

/**
 * The statements of a top level, classified: the module's (`container` the file), or the body of a
 * function the module called at load (a load scope, common/loadScopes.ts), a top level of its own
 * whose definitions start with `known` (the wrapper's parameters, the module's definitions).
 */
export function statementsOf(statements: readonly ts.Statement[], sf: ts.SourceFile, container: ts.Node, known: Iterable<string> = []): TopLevelStatement[] {
  const mutated = mutationNotes(container, variablesOf(statements), undefined);
  // A load counter changes only as the top level runs, the same way at every start: not state.
  const counters = loadCounters(statements, container);
  for (const name of counters) mutated.delete(name);
  const seen = new Map<string, number>();
  const unique = (key: string): string => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? key : `${key} #${n}`;
  };
  const pos = (offset: number): Position => {
    const lc = sf.getLineAndCharacterOfPosition(offset);
    return { line: lc.line, column: lc.character };
  };
  // Definitions may read other definitions: decided in source order, as the module runs them.
  const definitions = new Set<string>(known);
  const functions = localFunctions(statements, container);
  // A function declaration holds its function from the start (hoisted): a table written above it
  // may name it (`var block = { fences: noop }`), as long as nothing assigns the name.
  for (const [name, fn] of functions.byName) if (fn.readyAt < 0) definitions.add(name);
  const out: TopLevelStatement[] = [];
  for (const statement of statements) {
    const site: LocalCallSite = { functions, definitions, at: statement.getStart(sf), reads: new Set(), consulted: new Set(), invoked: new Set() };
    const described = describe(statement, sf, mutated, definitions, counters, site);
    if (!described) continue;
    if (described.class === 'definition' || described.loadsModule) for (const name of described.names) definitions.add(name);
    const anchor = described.anchor ?? statement;
    const anchorStart = anchor.getStart(sf);
    // A whole-statement anchor covers its first line only: a squiggle over a 40-line table helps no one.
    const anchorEnd = described.anchor ? anchor.getEnd() : Math.min(statement.getEnd(), lineEnd(sf, anchorStart));
    out.push({
      key: unique(described.key),
      class: described.class,
      reason: described.reason,
      names: described.names,
      text: tokensWithoutFunctionBodies(statement, sf),
      anchorStart: pos(anchorStart),
      anchorEnd: pos(anchorEnd),
      startOffset: statement.getStart(sf),
      endOffset: statement.getEnd(),
      source: statement.getText(sf),
      ...readsAndFills(statement, site.reads),
      ...(ts.isVariableStatement(statement) && statement.declarationList.flags & ts.NodeFlags.Const ? { immutable: true as const } : {}),
      ...(site.consulted.size > 0 ? { calls: [...site.consulted], calledCode: calledCode(functions, site.consulted, site.invoked) } : {}),
    });
  }
  return out;
}

interface Described {
  key: string;
  class: StatementClass;
  reason: string;
  names: string[];
  anchor?: ts.Node;
  /**
   * `var utils = require('./utils')`: an effect (it loads the module, once), whose binding then
   * holds the module's exports for good — constant to what reads it (`encoder: utils.encode`).
   */
  loadsModule?: true;
}

function describe(statement: ts.Statement, sf: ts.SourceFile, mutated: Map<string, string>, definitions: Set<string>, counters: ReadonlySet<string>, site: LocalCallSite): Described | undefined {
  // Functions and classes are definitions; their bodies are compared function by function elsewhere.
  if (ts.isFunctionDeclaration(statement)) {
    const name = statement.name?.text ?? 'default';
    return { key: `function ${name}`, class: 'definition', reason: 'declares a function', names: statement.name ? [name] : [], anchor: statement.name };
  }
  if (ts.isClassDeclaration(statement)) {
    const name = statement.name?.text ?? 'default';
    return { key: `class ${name}`, class: 'definition', reason: 'declares a class', names: statement.name ? [name] : [], anchor: statement.name };
  }
  if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEmptyStatement(statement)) return undefined;
  if (ts.isModuleDeclaration(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return undefined;
  if (ts.isImportDeclaration(statement)) {
    if (statement.importClause?.isTypeOnly) return undefined;
    const from = (statement.moduleSpecifier as ts.StringLiteral).text;
    const names = importedNames(statement);
    return { key: `import ${from}`, class: 'effect', reason: `loads \`${from}\``, names, anchor: statement.moduleSpecifier };
  }
  if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
    if (ts.isExportDeclaration(statement) && statement.isTypeOnly) return undefined;
    return { key: ts.isExportAssignment(statement) ? 'export default' : `export ${statement.moduleSpecifier ? (statement.moduleSpecifier as ts.StringLiteral).text : '{}'}`, class: 'definition', reason: 'wires exports', names: [] };
  }
  if (ts.isVariableStatement(statement)) return describeVariables(statement, sf, mutated, definitions, counters, site);
  if (ts.isExpressionStatement(statement)) return describeExpression(statement, sf, mutated, definitions, site);
  const label = STATEMENT_LABELS[statement.kind] ?? 'other';
  if (ts.isIterationStatement(statement, false) && !impurity(statement, sf, definitions, site, { locals: declaredInside(statement), fills: definitions, mutated })) {
    return { key: `${label} loop`, class: 'definition', reason: 'fills constant data', names: [] };
  }
  return { key: `${label} statement`, class: 'unsure', reason: `is a top-level ${label} statement whose effects Live Update cannot tell`, names: [] };
}

/**
 * A top-level `const` runs as `let \t` (common/runningText.ts, same length): the analysis, which
 * reads running texts, still names it a `const`.
 */
function wasConst(list: ts.VariableDeclarationList, sf: ts.SourceFile): boolean {
  const start = list.getStart(sf);
  const container = list.parent.parent;
  // A load scope's body too (common/runningText.ts `withLoadScopes`).
  return sf.text.startsWith(CONST_AS_LET, start) && (container === sf || (ts.isBlock(container) && ts.isFunctionLike(container.parent)));
}

/**
 * The top-level names a statement reads as it runs (with `called`: those the module's functions it
 * calls read), and the objects it fills (member assignments).
 */
function readsAndFills(statement: ts.Statement, called: ReadonlySet<string>): { reads: string[]; fills: string[] } {
  const reads = new Set<string>(called);
  const fills = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n)) return; // Its body runs later, if ever.
    if (ts.isIdentifier(n) && isRead(n)) reads.add(n.text);
    if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) {
      const left = skipOuter(n.left);
      if (!ts.isIdentifier(left)) {
        const root = rootIdentifier(left);
        if (root) fills.add(root);
      }
    }
    // Taking a load counter's next index advances it: run again, the counter must start over.
    const taken = ts.isVariableDeclaration(n) && n.initializer ? counterTaken(n.initializer) : undefined;
    if (taken !== undefined) fills.add(taken);
    ts.forEachChild(n, visit);
  };
  visit(statement);
  return { reads: [...reads], fills: [...fills] };
}

function describeVariables(statement: ts.VariableStatement, sf: ts.SourceFile, mutated: Map<string, string>, definitions: Set<string>, counters: ReadonlySet<string>, site: LocalCallSite): Described {
  const names = statement.declarationList.declarations.flatMap((d) => bindingNames(d.name));
  const keyword = statement.declarationList.flags & ts.NodeFlags.Const || wasConst(statement.declarationList, sf) ? 'const' : statement.declarationList.flags & ts.NodeFlags.Let ? 'let' : 'var';
  // A declaration list can be empty in a file that does not parse (`const` alone).
  const first = statement.declarationList.declarations[0];
  const base = { key: `${keyword} ${names.join(', ')}`, names, anchor: first?.name };
  const changedAt = names.map((n) => [n, mutated.get(n)] as const).find(([, where]) => where !== undefined);
  if (changedAt) {
    return { ...base, class: 'state', reason: `holds state (\`${changedAt[0]}\` ${changedAt[1]})` };
  }
  const initializers = statement.declarationList.declarations.map((d) => d.initializer && skipOuter(d.initializer));
  if (initializers.every((i) => i && (ts.isFunctionExpression(i) || ts.isArrowFunction(i) || ts.isClassExpression(i)))) {
    // `const f = () => …`: a function, compared function by function like a declaration.
    return { ...base, class: 'definition', reason: 'declares a function' };
  }
  for (const declaration of statement.declarationList.declarations) {
    const init = declaration.initializer;
    if (!init) {
      if (keyword === 'const') continue;
      return { ...base, class: 'unsure', reason: 'is declared without a value' };
    }
    const requireOf = requiredModule(init);
    if (requireOf !== undefined) {
      if (isNodeBuiltin(requireOf)) continue;
      return { ...base, class: 'effect', reason: `loads \`${requireOf}\``, ...(statement.declarationList.declarations.length === 1 ? { loadsModule: true as const } : {}) };
    }
    // `var WORD = R++`: the next index of a load counter, the same at every start.
    const taken = counterTaken(init);
    if (taken !== undefined && counters.has(taken) && definitions.has(taken)) continue;
    const impure = impurity(exportedValue(init, sf), sf, definitions, site);
    if (impure) return { ...base, class: 'unsure', reason: `computes its value with ${impure}` };
  }
  return { ...base, class: 'definition', reason: 'is constant data' };
}

function describeExpression(statement: ts.ExpressionStatement, sf: ts.SourceFile, mutated: Map<string, string>, definitions: Set<string>, site: LocalCallSite): Described | undefined {
  let expression = skipOuter(statement.expression);
  if (ts.isStringLiteral(expression)) return undefined; // A directive such as 'use strict'.
  if (ts.isBinaryExpression(expression) && isAssignment(expression.operatorToken.kind)) {
    const target = exposed(expression.left, compactText(expression.left, sf));
    if (isExportsTarget(target)) {
      return { key: `${target} =`, class: 'definition', reason: 'wires exports', names: [], anchor: expression.left };
    }
    const root = rootIdentifier(expression.left);
    if (root && definitions.has(root) && !mutated.has(root) && !impurity(expression.right, sf, definitions, site)) {
      // `TABLE.x = …` or `TABLE[k] = …` filling constant data at load.
      return { key: `${target} =`, class: 'definition', reason: `fills \`${root}\``, names: [], anchor: expression.left };
    }
    if (root && mutated.has(root)) return { key: `${target} =`, class: 'state', reason: `sets \`${root}\`, which ${mutated.get(root)}`, names: [], anchor: expression.left };
    return { key: `${target} =`, class: 'unsure', reason: `assigns \`${target}\``, names: [], anchor: expression.left };
  }
  if (ts.isCallExpression(expression)) {
    // A wrapper's text holds the accessor of its load scope (common/loadScopes.ts): no user's code.
    const ownText = withoutLoadScopeAccessors(expression.expression.getText(sf));
    const callee = exposedShort(expression.expression, compactSource(ownText), ownText.replace(/\s+/g, ''));
    const first = expression.arguments[0];
    if (/^Object\.(assign|defineProperty|defineProperties)$/.test(callee) && first && isExportsTarget(exposed(first, compactText(first, sf)))) {
      // Named by the property it defines (compilers' re-export getters): one added above the
      // others is then added, not a shift that changes every one after it.
      const property = callee === 'Object.defineProperty' ? expression.arguments[1] : undefined;
      const name = property && ts.isStringLiteral(property) ? `${exposed(first, compactText(first, sf))}.${property.text}` : '';
      return { key: `call ${callee}${name ? ` ${name}` : ''}`, class: 'definition', reason: 'wires exports', names: [], anchor: expression.expression };
    }
    const shown = callee.length > 40 ? `${callee.slice(0, 37)}...` : callee;
    return { key: `call ${shown}`, class: 'effect', reason: `calls \`${shown}\``, names: [], anchor: expression.expression };
  }
  expression = skipOuter(expression);
  if (ts.isAwaitExpression(expression) || ts.isNewExpression(expression) || ts.isPrefixUnaryExpression(expression) || ts.isPostfixUnaryExpression(expression)) {
    return { key: `${ts.SyntaxKind[expression.kind]}`, class: 'effect', reason: 'acts when the module loads', names: [] };
  }
  return { key: 'expression', class: 'unsure', reason: 'is an expression Live Update does not analyse', names: [] };
}

const STATEMENT_LABELS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.ForStatement]: 'for',
  [ts.SyntaxKind.ForOfStatement]: 'for-of',
  [ts.SyntaxKind.ForInStatement]: 'for-in',
  [ts.SyntaxKind.WhileStatement]: 'while',
  [ts.SyntaxKind.DoStatement]: 'do-while',
  [ts.SyntaxKind.IfStatement]: 'if',
  [ts.SyntaxKind.Block]: 'block',
  [ts.SyntaxKind.TryStatement]: 'try',
  [ts.SyntaxKind.SwitchStatement]: 'switch',
  [ts.SyntaxKind.LabeledStatement]: 'labeled',
  [ts.SyntaxKind.ThrowStatement]: 'throw',
  [ts.SyntaxKind.ModuleDeclaration]: 'namespace',
  [ts.SyntaxKind.EnumDeclaration]: 'enum',
  [ts.SyntaxKind.ImportEqualsDeclaration]: 'import-equals',
};

/** Names a statement declares inside itself (loop variables, block locals). */
function declaredInside(statement: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n)) for (const name of bindingNames(n.name)) names.add(name);
    if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
  };
  visit(statement);
  return names;
}

interface LoopContext {
  /** The loop's own variables: reads and writes of these are fine. */
  locals: Set<string>;
  /** Definitions the loop may fill (`TABLE[k] = …`), unless the program also changes them later. */
  fills: Set<string>;
  mutated: Map<string, string>;
}

/** Why computing `node` might not be pure (a clause for a message), or undefined when it is pure. */
function impurity(node: ts.Node, sf: ts.SourceFile, definitions: Set<string>, site: LocalCallSite, loop?: LoopContext): string | undefined {
  let found: string | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    // Functions and classes are values; their bodies run later, if ever.
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isCallExpression(n) || ts.isNewExpression(n) || ts.isTaggedTemplateExpression(n)) {
      const calleeNode = ts.isTaggedTemplateExpression(n) ? n.tag : n.expression;
      const callee = exposedShort(calleeNode, compactText(calleeNode, sf));
      const pure = ts.isNewExpression(n) ? PURE_CONSTRUCTORS.has(callee) : isPureCall(callee, calleeNode);
      if (!pure) {
        // A call of the module's own functions: pure when their bodies are (localEffects.ts); its
        // arguments are load-time code like any other.
        const local = ts.isCallExpression(n) ? localCallImpurity(n, site) : undefined;
        if (local && 'args' in local) {
          local.args.forEach(visit);
          return;
        }
        found = local?.impure ?? `a call to \`${callee.length > 40 ? `${callee.slice(0, 37)}...` : callee}\``;
        return;
      }
    }
    // A module function passed to a call may run in it (`[1, 2].map(scale)`): it must be pure too.
    const passed = ts.isIdentifier(n) && isRead(n) && site.functions.byName.has(n.text) && !loop?.locals.has(n.text) && isArgument(n) ? passedImpurity(n.text, site) : undefined;
    if (passed) {
      found = passed;
      return;
    }
    if (ts.isIdentifier(n) && isRead(n) && !definitions.has(n.text) && !PURE_GLOBALS.has(n.text) && !loop?.locals.has(n.text)) {
      found = `\`${n.text}\`, which is not constant data`;
      return;
    }
    if (ts.isAwaitExpression(n) || ts.isYieldExpression(n) || ts.isDeleteExpression(n)) {
      found = 'an operation with effects';
      return;
    }
    if ((ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) || ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) {
      const target = ts.isBinaryExpression(n) ? n.left : n.operand;
      const root = rootIdentifier(target);
      const fillsTable = root !== undefined && loop?.fills.has(root) && !loop.mutated.has(root) && !ts.isIdentifier(skipOuter(target as ts.Expression));
      const counter = root !== undefined && loop?.locals.has(root);
      if (ts.isBinaryExpression(n) || n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken) {
        if (!fillsTable && !counter) {
          found = 'an assignment';
          return;
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** The variables a top level declares (see mutationNotes for which of them the program changes). */
function variablesOf(statements: readonly ts.Statement[]): Set<string> {
  const topLevel = new Set<string>();
  for (const statement of statements) {
    if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) for (const n of bindingNames(d.name)) topLevel.add(n);
  }
  return topLevel;
}

/**
 * The first change `root` makes to each of `names`, with where: assigned, incremented or mutated
 * with a mutating method or a member assignment inside a function, or reassigned at the top level. `inside` is
 * the label of the function around `root`. The incremental path compares a function's notes before
 * and after an edit: equal notes leave every top-level statement's class as it was.
 */
export function mutationNotes(root: ts.Node, names: Set<string>, inside: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const note = (name: string | undefined, where: string): void => {
    if (name && names.has(name) && !out.has(name)) out.set(name, where);
  };
  const visit = (node: ts.Node, fn: string | undefined): void => {
    let inside = fn;
    // The root keeps the label it was given: the incremental path compares a function with its
    // reparse, which has no surroundings to name it by.
    if (ts.isFunctionLike(node) && node !== root) inside = functionPhrase(node as ts.SignatureDeclaration) ?? fn ?? 'in a function';
    if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) {
      const left = skipOuter(node.left);
      if (ts.isIdentifier(left)) note(left.text, inside ? `is assigned ${inside}` : 'is reassigned at the top level');
      else if (inside) note(rootIdentifier(left), `is changed ${inside}`);
    }
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) {
      const operand = skipOuter(node.operand);
      if (ts.isIdentifier(operand)) note(operand.text, inside ? `is incremented ${inside}` : 'is incremented at the top level');
      else if (inside) note(rootIdentifier(operand), `is changed ${inside}`);
    }
    if (inside && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && MUTATING_METHODS.has(node.expression.name.text)) {
      note(rootIdentifier(node.expression.expression), `is changed ${inside}`);
    }
    if (inside && ts.isDeleteExpression(node)) note(rootIdentifier(node.expression), `is changed ${inside}`);
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(root, inside);
  return out;
}

/** Where a function is, for a message: "in `tick`", "in the function passed to `setInterval`". */
function functionPhrase(node: ts.SignatureDeclaration): string | undefined {
  if (node.name && ts.isIdentifier(node.name)) return `in \`${node.name.text}\``;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return `in \`${parent.name.text}\``;
  if (parent && (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) return `in \`${parent.name.text}\``;
  if (parent && ts.isCallExpression(parent)) {
    const callee = parent.expression.getText(node.getSourceFile()).replace(/\s+/g, '');
    if (callee.length <= 40) return `in the function passed to \`${callee}\``;
  }
  return undefined;
}

/** `require('x')` or `require('x').y`: the module it loads. */
function requiredModule(init: ts.Expression): string | undefined {
  let n: ts.Expression = skipOuter(init);
  while (ts.isPropertyAccessExpression(n)) n = n.expression;
  if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
    return n.arguments[0].text;
  }
  return undefined;
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || /^(fs|path|os|util|events|http|https|net|url|crypto|assert|stream|zlib|child_process|worker_threads|readline|buffer|timers|querystring|string_decoder|dns|tls|v8|vm|perf_hooks|async_hooks|module|process)(\/.*)?$/.test(specifier);
}

function importedNames(statement: ts.ImportDeclaration): string[] {
  const clause = statement.importClause;
  if (!clause) return [];
  const names = clause.name ? [clause.name.text] : [];
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
  if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) if (!e.isTypeOnly) names.push(e.name.text);
  return names;
}

function lineEnd(sf: ts.SourceFile, offset: number): number {
  const { line } = sf.getLineAndCharacterOfPosition(offset);
  const starts = sf.getLineStarts();
  return line + 1 < starts.length ? starts[line + 1]! - 1 : sf.text.length;
}

/** Tokens joined by spaces, with each function's body replaced by a marker. */
function tokensWithoutFunctionBodies(statement: ts.Node, sf: ts.SourceFile): string {
  const tokens: string[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return; // Comments do not count.
    if ((ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) || ts.isClassStaticBlockDeclaration(node)) {
      tokens.push('<function>');
      return;
    }
    if (node.kind >= ts.SyntaxKind.FirstToken && node.kind <= ts.SyntaxKind.LastToken) {
      tokens.push(node.getText(sf));
      return;
    }
    const children = node.getChildren(sf);
    if (children.length === 0) tokens.push(node.getText(sf));
    for (const child of children) visit(child);
  };
  visit(statement);
  return tokens.join(' ');
}
