// Finds every function-like declaration of a file with a stable identity, so that two versions of
// the file can be compared declaration by declaration even when code moved or lines were added
// above. Identity is a path of names (`Greeter.greet`, `start/<arrow 1>`), never a position.
import ts from 'typescript';
import type { Position } from '../../../common/patch';
import { exposed, exposedRange, exposedShort, recordExposures, type Exposure } from './exposure';
import { anonymousDisplay } from './functionNames';
import { scopeFacts, topLevelNames, type ScopeFacts } from './scopes';
import { withoutTrivia } from './syntaxBits';
import { topLevelStatements, type TopLevelStatement } from './topLevel';
import { sloppyModeAllows } from './sloppyMode';

export { withoutTrivia };

export interface FunctionInfo {
  /** Stable identity within the file, e.g. `Greeter.greet` or `main/<arrow 2>`. */
  path: string;
  /**
   * What a user reads: the declared name (`f`, `Greeter.greet`), or for an anonymous function the
   * name VS Code's outline gives it (`todos.get('/:id') callback`, see functionNames.ts).
   */
  displayName: string;
  start: Position;
  end: Position;
  startOffset: number;
  endOffset: number;
  /** Offset of the body's `{`; -1 for an arrow with an expression body. */
  bodyStartOffset: number;
  /** The parameter list's tokens: a change here is a signature change callers may notice. */
  signature: string;
  /** Range of the name to put a diagnostic on (the `function` keyword or `=>` when anonymous). */
  nameStart: Position;
  nameEnd: Position;
  /** The function's own text with nested functions blanked: what V8 compares. */
  ownText: string;
  /** The whole text, nested functions included: what `Function.prototype.toString` gives. */
  text: string;
  /** The body's text (nested functions included). */
  bodyText: string;
  /** Outer variables it reads (nested functions included), see scopes.ts. */
  freeNames: Set<string>;
  isAsync: boolean;
  isGenerator: boolean;
  kind: 'function' | 'method' | 'getter' | 'setter' | 'constructor' | 'arrow' | 'function-expression';
  /**
   * It runs once, when the module loads, and never again: an IIFE wrapper (`;(function () { … })()`)
   * or the factory a UMD wrapper calls, at the top level or inside another such. Its own statements
   * are a top level of their own: an update swaps their text but does not run them again.
   */
  loadTime?: true;
}

export interface FileFunctions {
  functions: FunctionInfo[];
  /** Every name the file declares, at any level. */
  declaredNames: Set<string>;
  /** The names it declares at its top level (module scope). */
  topLevelNames: Set<string>;
  /** The top-level code's tokens, every function blanked: comments and layout do not count. */
  topLevelText: string;
  /** The top-level code exactly, every function blanked: what V8 compares for an ES module. */
  rawTopLevelText: string;
  /** The top-level statements, classified (see topLevel.ts). */
  topLevel: TopLevelStatement[];
  /** Every name the file reads, with where it first reads it. */
  references: Map<string, Position>;
  syntaxErrors: SyntaxError[];
}

export interface SyntaxError {
  message: string;
  start: Position;
  end: Position;
}

type FunctionNode = ts.FunctionLikeDeclaration;

export function scriptKindFor(file: string): ts.ScriptKind {
  if (/\.[cm]?tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/.test(file)) return ts.ScriptKind.TS;
  if (/\.jsx$/.test(file)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

export function parse(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindFor(file));
}

/** Facts about a FileFunctions the incremental path needs and the comparison does not (see exposure.ts). */
export interface PathFacts {
  /** Some name could make two paths collide (see functionTree's checkName). */
  ambiguous: boolean;
  /** Paths whose last name holds a `/`: a path `a/b` may be `b` in `a` or `a/b` itself. */
  slashed: string[];
  exposures: Exposure[];
}

const pathFacts = new WeakMap<FileFunctions, PathFacts>();

export function pathFactsOf(functions: FileFunctions): PathFacts | undefined {
  return pathFacts.get(functions);
}

export function setPathFacts(functions: FileFunctions, facts: PathFacts): void {
  pathFacts.set(functions, facts);
}

export function collectFunctions(file: string, text: string): FileFunctions {
  const sf = parse(file, text);
  const exposures: Exposure[] = [];
  return recordExposures(exposures, () => {
    const facts = scopeFacts(sf, isFunctionNode);
    const pos = (offset: number): Position => {
      const lc = sf.getLineAndCharacterOfPosition(offset);
      return { line: lc.line, column: lc.character };
    };
    const tree = functionTree(sf, facts, { offset: (o) => o, pos });
    ts.forEachChild(sf, (child) => tree.visit(child, ''));

    // What the parser calls an error but Node runs where it is (analysis/sloppyMode.ts) is no syntax error.
    const diagnostics = parseDiagnostics(sf).filter((d) => !sloppyModeAllows(sf, d));
    const rawTopLevelText = textWithoutNestedFunctions(sf, sf);
    const result: FileFunctions = {
      functions: tree.functions,
      topLevelText: withoutTrivia(rawTopLevelText),
      rawTopLevelText,
      topLevel: topLevelStatements(sf),
      references: new Map([...facts.references].map(([name, offset]) => [name, pos(offset)])),
      declaredNames: facts.declared,
      topLevelNames: topLevelNames(sf),
      syntaxErrors: diagnostics.map((d) => ({
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        start: pos(d.start),
        end: pos(d.start + d.length),
      })),
    };
    pathFacts.set(result, { ambiguous: tree.ambiguous(), slashed: tree.slashed, exposures });
    return result;
  });
}

export function parseDiagnostics(sf: ts.SourceFile): readonly ts.DiagnosticWithLocation[] {
  return (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

/**
 * Whether a function is inside another function (`functions` in source order, outer first, as
 * `functionTree` lists them). Only such a function can have several closures (`ScriptPatch.flat`).
 */
export function hasNestedFunction(functions: readonly FunctionInfo[]): boolean {
  const open: number[] = [];
  for (const f of [...functions].sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset)) {
    while (open.length > 0 && open[open.length - 1]! <= f.startOffset) open.pop();
    if (open.length > 0) return true;
    open.push(f.endOffset);
  }
  return false;
}

/** Maps the offsets of the parsed text to the file's (the identity, or a reparsed function's place). */
export interface Placement {
  offset(offset: number): number;
  pos(offset: number): Position;
}

export interface FunctionTree {
  functions: FunctionInfo[];
  /**
   * Adds `node` and what it contains, named within `scope`. With `path`, `node` is a function
   * known by that path (its own name and place are not looked at): the incremental path
   * collects one function's subtree this way, giving its display name as `enclosing`.
   */
  visit(node: ts.Node, scope: string, path?: string, enclosing?: string): void;
  ambiguous(): boolean;
  /** Paths whose last name holds a `/`. */
  slashed: string[];
}

/** The walk that names functions; the order of `functions` is the walk's (source order, outer first). */
export function functionTree(sf: ts.SourceFile, facts: ScopeFacts, at: Placement): FunctionTree {
  const functions: FunctionInfo[] = [];
  let ambiguous = false;
  const slashed: string[] = [];
  /**
   * Names that could make two paths equal: empty, `<…>` (an anonymous function's), with ` #`
   * (numbering), a function's ending in `{}` (a container's). A `/` is noted with the path it
   * starts, for the incremental path to keep away from (see incremental.ts).
   */
  const checkName = (name: string | undefined, isContainer: boolean): void => {
    if (name === undefined) return;
    if (name === '' || name.startsWith('<') || name.includes(' #') || (!isContainer && name.endsWith('{}'))) ambiguous = true;
  };
  const seen = new Map<string, number>();
  /** Makes a path unique (redeclared names, same-shaped anonymous functions) by numbering repeats. */
  const unique = (path: string): string => {
    const n = (seen.get(path) ?? 0) + 1;
    seen.set(path, n);
    return n === 1 ? path : `${path} #${n}`;
  };
  const join = (scope: string, name: string) => (scope ? `${scope}/${name}` : name);
  const shown = new Map<string, number>();
  /** Numbers an anonymous function's name when a sibling (same scope) is shown by the same. */
  const numbered = (scope: string) => (name: string): string => {
    const key = `${scope}\0${name}`;
    const n = (shown.get(key) ?? 0) + 1;
    shown.set(key, n);
    return n === 1 ? name : `${name} (${n})`;
  };

  /** `enclosing`: the display name of the function `node` is in (with `fixedPath`: `node`'s own). */
  const visit = (node: ts.Node, scope: string, fixedPath?: string, enclosing?: string): void => {
    if (isFunctionNode(node)) {
      let path: string;
      let displayName: string;
      if (fixedPath !== undefined) {
        path = fixedPath;
        displayName = enclosing ?? path;
      } else {
        const own = memberName(node) ?? nameOf(node);
        checkName(own, false);
        path = unique(join(scope, own ?? `<${anonymousLabel(node)}>`));
        if (own?.includes('/')) slashed.push(path);
        displayName = own ? displayOf(path) : anonymousDisplay(node, enclosing, numbered(scope));
      }
      const nameNode = nameRangeNode(node);
      const start = node.getStart(sf);
      functions.push({
        path,
        displayName,
        start: at.pos(start),
        end: at.pos(node.getEnd()),
        startOffset: at.offset(start),
        endOffset: at.offset(node.getEnd()),
        bodyStartOffset: ts.isBlock(node.body!) ? at.offset(node.body.getStart(sf)) : -1,
        signature: withoutTrivia(signatureText(node, sf)),
        nameStart: at.pos(nameNode.getStart(sf)),
        nameEnd: at.pos(nameNode.getEnd()),
        ownText: textWithoutNestedFunctions(node, sf),
        text: node.getText(sf),
        bodyText: node.body!.getText(sf),
        freeNames: facts.free.get(node) ?? new Set(),
        isAsync: hasModifier(node, ts.SyntaxKind.AsyncKeyword),
        isGenerator: !!(node as ts.FunctionDeclaration).asteriskToken,
        kind: kindOf(node),
        ...(runsAtLoad(node) ? { loadTime: true as const } : {}),
      });
      ts.forEachChild(node, (child) => visit(child, path, undefined, displayName));
      return;
    }
    if (ts.isClassLike(node) || ts.isObjectLiteralExpression(node)) {
      // Members are named after their container: `Greeter.greet`, `handlers.onData`.
      const name = containerName(node);
      checkName(name, true);
      const container = name ?? `<${ts.isClassLike(node) ? 'class' : 'object'}>`;
      const containerPath = unique(join(scope, container + '{}'));
      if (name?.includes('/')) slashed.push(containerPath);
      ts.forEachChild(node, (child) => visit(child, containerPath, undefined, enclosing));
      return;
    }
    ts.forEachChild(node, (child) => visit(child, scope, undefined, enclosing));
  };
  return { functions, visit, ambiguous: () => ambiguous, slashed };
}

/** The expression `node` is part of, past parentheses and `!`/`void` (`!function () {}()`). */
function outerOf(node: ts.Node): ts.Node {
  let n = node;
  while (ts.isParenthesizedExpression(n.parent) || (ts.isPrefixUnaryExpression(n.parent) && n.parent.operator === ts.SyntaxKind.ExclamationToken) || ts.isVoidExpression(n.parent)) n = n.parent;
  return n;
}

/** `fn` is called where it is written: `(function () {})()`, `(function () {}).call(this)`. */
function isInvokedInPlace(fn: ts.Node): boolean {
  const outer = outerOf(fn);
  const parent = outer.parent;
  if (ts.isCallExpression(parent) && parent.expression === outer) return true;
  return ts.isPropertyAccessExpression(parent) && parent.expression === outer && (parent.name.text === 'call' || parent.name.text === 'apply') && ts.isCallExpression(parent.parent) && parent.parent.expression === parent;
}

/**
 * Whether a function runs only while the module loads (`FunctionInfo.loadTime`): invoked in place,
 * or handed to a function invoked in place (a UMD factory), with no function around it but such.
 */
function runsAtLoad(node: FunctionNode): boolean {
  if (!ts.isFunctionExpression(node) && !ts.isArrowFunction(node)) return false;
  const outer = outerOf(node);
  const factoryOf = ts.isCallExpression(outer.parent) && outer.parent.arguments.includes(outer as ts.Expression) ? outer.parent : undefined;
  const inPlace = isInvokedInPlace(node);
  if (!inPlace && !(factoryOf && isFunctionNode(skipParens(factoryOf.expression)) && isInvokedInPlace(skipParens(factoryOf.expression)))) return false;
  for (let up = node.parent; up; up = up.parent) if (isFunctionNode(up)) return runsAtLoad(up);
  return true;
}

function skipParens(node: ts.Node): ts.Node {
  let n = node;
  while (ts.isParenthesizedExpression(n)) n = n.expression;
  return n;
}

/** The parameters' text: a function nested in one is in a text the comparison reads. */
function signatureText(node: FunctionNode, sf: ts.SourceFile): string {
  const params = node.parameters;
  const text = params.map((p) => p.getText(sf)).join(',');
  return params.length > 0 ? exposedRange(params[0]!.getStart(sf), params.at(-1)!.getEnd(), text) : text;
}

const FUNCTION_KINDS = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
  ts.SyntaxKind.Constructor,
]);

/** A function with a body (one kind lookup: this runs for every node of every file analysed). */
export function isFunctionNode(node: ts.Node): node is FunctionNode {
  return FUNCTION_KINDS.has(node.kind) && (node as FunctionNode).body !== undefined;
}

/**
 * A class or object-literal member's name with the marks that keep members apart: `static`,
 * `get`, `set`. Undefined for anything that is not a member.
 */
function memberName(node: FunctionNode): string | undefined {
  const parent = node.parent;
  const isMember = ts.isClassLike(parent) || ts.isObjectLiteralExpression(parent);
  const property = ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) ? parent : undefined;
  if (!isMember && !property) return undefined;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const nameNode = node.name ?? property?.name;
  if (!nameNode) return undefined;
  const holder = property ?? node;
  const isStatic = ts.canHaveModifiers(holder) && (ts.getModifiers(holder) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
  const accessor = ts.isGetAccessorDeclaration(node) ? 'get ' : ts.isSetAccessorDeclaration(node) ? 'set ' : '';
  return `${isStatic ? 'static ' : ''}${accessor}${propertyNameText(nameNode)}`;
}

/** The declared name, or the name it is bound to (`const f = () => …`, `exports.f = function () {}`). */
function nameOf(node: FunctionNode): string | undefined {
  if (node.name) return propertyNameText(node.name);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const left = parent.left;
    if (ts.isPropertyAccessExpression(left)) return exposed(left, left.getText().replace(/\s+/g, ''));
    if (ts.isIdentifier(left)) return left.text;
  }
  return undefined;
}

/** The name a class or object literal is known by: its own, or the binding it is assigned to. */
function containerName(node: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression): string | undefined {
  if (ts.isClassLike(node) && node.name) return node.name.text;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent)) return propertyNameText(parent.name);
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    return exposed(parent.left, parent.left.getText().replace(/\s+/g, ''));
  }
  // A descriptor: `Object.defineProperty(exports, "a", { get: function get() {…} })`, as compilers
  // write re-exports, is `exports.a`'s, not the n-th object's (one added above would renumber the rest).
  if (ts.isCallExpression(parent) && parent.arguments[2] === node && ts.isStringLiteral(parent.arguments[1]!) && parent.expression.getText().replace(/\s+/g, '') === 'Object.defineProperty') {
    const target = parent.arguments[0]!;
    return `${exposed(target, target.getText().replace(/\s+/g, ''))}.${parent.arguments[1].text}`;
  }
  return undefined;
}

function propertyNameText(name: ts.PropertyName | ts.BindingName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return exposed(name, name.getText());
}

/**
 * What a user reads: `Greeter.greet`, `static Greeter.create`, `get Greeter.name`, `handlers.onData`,
 * or a nested function's own name. Built from the path (`Greeter{}/get name` → `get Greeter.name`).
 */
function displayOf(path: string): string {
  const parts = path.split('/');
  const own = parts.at(-1)!;
  const container = parts.at(-2);
  if (!container?.endsWith('{}')) return own.replace(/ #\d+$/, '');
  const prefix = /^((?:static )?(?:get |set )?)(.*)$/.exec(own.replace(/ #\d+$/, ''))!;
  return `${prefix[1]}${container.slice(0, -2).replace(/ #\d+$/, '')}.${prefix[2]}`;
}

/** The identity of an anonymous function, by where it is passed: `<arrow in setInterval>` (never shown). */
function anonymousLabel(node: FunctionNode): string {
  const kind = ts.isArrowFunction(node) ? 'arrow' : 'function';
  const parent = node.parent;
  if (ts.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression)) {
    const callee = exposedShort(parent.expression, parent.expression.getText().replace(/\s+/g, ''));
    if (callee.length <= 40) return `${kind} in ${callee}`;
  }
  return kind;
}

function nameRangeNode(node: FunctionNode): ts.Node {
  if (node.name) return node.name;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent)) return parent.name;
  if (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name;
  if (ts.isArrowFunction(node)) return node.equalsGreaterThanToken;
  return node.getFirstToken() ?? node;
}

export function kindOf(node: FunctionNode): FunctionInfo['kind'] {
  if (ts.isMethodDeclaration(node)) return 'method';
  if (ts.isGetAccessorDeclaration(node)) return 'getter';
  if (ts.isSetAccessorDeclaration(node)) return 'setter';
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isArrowFunction(node)) return 'arrow';
  if (ts.isFunctionExpression(node)) return 'function-expression';
  return 'function';
}

export function hasModifier(node: FunctionNode, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** The node's text with each nested function replaced by a marker, so only its own text counts. */
function textWithoutNestedFunctions(node: ts.Node, sf: ts.SourceFile): string {
  const start = node === sf ? 0 : node.getStart(sf);
  const text = sf.text;
  let out = '';
  let cursor = start;
  const walk = (child: ts.Node): void => {
    if (isFunctionNode(child) && child !== node) {
      // V8 attributes a nested function's parameters and body to the nested function alone.
      out += text.slice(cursor, child.getStart(sf)) + '<function>';
      cursor = child.getEnd();
      return;
    }
    ts.forEachChild(child, walk);
  };
  ts.forEachChild(node, walk);
  out += text.slice(cursor, node.getEnd());
  return out;
}

