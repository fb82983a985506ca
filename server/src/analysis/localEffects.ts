// An effect analysis of the module's own functions (issue 20, "Applied means it"): whether a call
// the top level makes at load to a function it defines (localFunctions.ts) is pure, so the
// definition or loop around it is constant data the update may run again. A call is pure when the
// function's body, and every function written inside it (which may run during the call: callbacks,
// the closure it returns and the statement calls), only
//   - reads its own variables, the module's definitions and functions, and pure globals;
//   - writes its own variables (those of the call: each call makes new ones), members of objects
//     it made (a local whose every value is a literal or a new object), or members of a parameter
//     the call site gives a fresh object (`merge({}, block)`);
//   - calls built-ins that only compute (pureBuiltins.ts), the module's pure functions, the
//     closures those return, and `console` (output: a fresh start prints it too).
// The module names it reads are checked where it is called: constant data there (the definitions
// decided so far), or a function of the module that holds by then. A closure that changes what it
// captured keeps state (`let n = 0; return () => ++n`): such a call is pure only when its result
// is surely no such closure (localResults.ts). Anything else is an effect, and the statement stays
// as it ran (never claimed re-run when not proven).
import ts from 'typescript';
import type { LocalFunctions } from './localFunctions';
import { missingArgument, resultsOf, type Result } from './localResults';
import { declaredIn, declaringScope, localFunction } from './localScopes';
import { isPureCall, MUTATING_METHODS, PURE_CONSTRUCTORS, PURE_GLOBALS, PURE_METHODS } from './pureBuiltins';
import { isRead, skipOuter, withoutTrivia, writeTarget } from './syntaxBits';

interface Summary {
  /** Why a call may not be pure; undefined when it is, given `reads` hold where it is called. */
  impure?: string;
  /** Names outside the function it reads (module definitions or functions). */
  reads: Set<string>;
  /** The module functions whose bodies decided it. */
  consulted: Set<string>;
  results: Result[];
  /** A closure made in it changes what it captured: what the call returns may keep state. */
  keeps: boolean;
  /** The functions written inside it that run during the call (called, or passed to a call). */
  invoked: Set<ts.Node>;
}

/** One top-level statement's calls of module functions, and what deciding them read. */
export interface LocalCallSite {
  functions: LocalFunctions;
  /** The definitions decided before the statement (topLevel.ts): what a pure call may read. */
  definitions: ReadonlySet<string>;
  /** Where the statement starts: a function variable must hold its function by then. */
  at: number;
  /** Module names the called functions read (the statement reads them when it runs). */
  reads: Set<string>;
  /** Module functions whose bodies decided the statement's class. */
  consulted: Set<string>;
  /** The functions written inside them that run at load (the rest of their code runs later, if ever). */
  invoked: Set<ts.Node>;
}

/**
 * A fingerprint of the code of the module functions a statement's class rests on (layout and
 * comments aside): when it differs between two versions, the statement computes with other code at
 * load though its own text is the same (definitionSteps.ts runs it again).
 */
export function calledCode(functions: LocalFunctions, names: Iterable<string>, invoked: ReadonlySet<ts.Node>): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const name of [...names].sort()) {
    for (const body of functions.byName.get(name)?.bodies ?? []) {
      const text = `${name}:${withoutTrivia(loadTimeText(body, invoked))};`;
      // FNV-1a, twice with other seeds: a collision only loses the re-run (loadDependence.ts then says so).
      for (let i = 0; i < text.length; i++) {
        h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193) >>> 0;
        h2 = Math.imul(h2 ^ text.charCodeAt(i), 0x811c9dc5 | 1) >>> 0;
      }
    }
  }
  return `${h1.toString(16)}${h2.toString(16)}`;
}

/** A function's text with the bodies of the functions written in it that do not run at load left out. */
function loadTimeText(fn: ts.FunctionLikeDeclaration, invoked: ReadonlySet<ts.Node>): string {
  const text = fn.getText();
  const start = fn.getStart();
  const cuts: Array<[number, number]> = [];
  const visit = (n: ts.Node): void => {
    if (n !== fn && ts.isFunctionLike(n) && !invoked.has(n) && (n as ts.FunctionLikeDeclaration).body) {
      const body = (n as ts.FunctionLikeDeclaration).body!;
      cuts.push([body.getStart() - start, body.getEnd() - start]);
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(fn, visit);
  let out = '';
  let at = 0;
  for (const [from, to] of cuts) {
    out += `${text.slice(at, from)}{}`;
    at = to;
  }
  return out + text.slice(at);
}

/** A function's summaries by body and fresh parameters, shared by a top level's statements. */
const summaries = new WeakMap<ts.Node, Map<string, Summary>>();
const MAX_DEPTH = 12;
const CONSOLE = /^console\.(log|info|warn|error|debug|trace)(\.(apply|call))?$/;
/** `Array.prototype.slice.call(arguments)`, `Object.prototype.hasOwnProperty.call(o, k)`. */
const PROTOTYPE_CALL = /^(Array|Object|String)\.prototype\.([\w$]+)\.(call|apply)$/;
const PROTOTYPE_PURE = new Set(['hasOwnProperty', 'propertyIsEnumerable', 'isPrototypeOf']);
/** Calls whose result is a new array or object, which the caller may then fill. */
const FRESH_CALLS = /^(Array\.(from|of)|Object\.(keys|values|entries)|(Array|String)\.prototype\.(slice|concat|map|filter|split)\.(call|apply))$/;

/**
 * Whether a top-level call of the module's own functions is pure: undefined when it calls none
 * (its callee is not one); else why not, or the arguments of every call of the chain
 * (`replace(a)('hr', b)()`), which the caller checks as load-time code.
 */
export function localCallImpurity(call: ts.CallExpression, site: LocalCallSite): { impure: string } | { args: ts.Expression[] } | undefined {
  const args: ts.Expression[] = [];
  let root: ts.Expression = call;
  while (ts.isCallExpression(root)) {
    args.push(...root.arguments);
    root = skipOuter(root.expression);
  }
  if (!ts.isIdentifier(root) || !site.functions.byName.has(root.text)) return undefined;
  const gathered = { functions: site.functions, reads: new Set<string>(), consulted: site.consulted, invoked: site.invoked, keeps: false };
  const results = callResults(call, undefined, gathered, { ids: [], assumed: 0 });
  // A closure that keeps state (`let n = 0; return () => ++n`) is state, not constant data: made
  // again, it would start over. Only a result that is surely none holds no such closure.
  const keeps = typeof results !== 'string' && gathered.keeps && results.some((r) => r !== 'value') ? 'makes a closure that keeps state between calls' : undefined;
  const why = typeof results === 'string' ? results : (keeps ?? heldWhere(gathered.reads, site));
  return why ? { impure: `a call to \`${root.text}\`${why.startsWith(`calls \`${root.text}\`, which`) ? why.slice(`calls \`${root.text}\``.length) : ` that ${why}`}` } : { args };
}

/**
 * A module function passed to a call at load (`[1, 2].map(scale)`, `helper(scale)`) may run then:
 * why it may not be pure (as if called with nothing fresh), or undefined.
 */
export function passedImpurity(name: string, site: LocalCallSite): string | undefined {
  const gathered = { functions: site.functions, reads: new Set<string>(), consulted: site.consulted, invoked: site.invoked, keeps: false };
  const results = moduleCall(name, [], gathered, { ids: [], assumed: 0 });
  const why = typeof results === 'string' ? results : gathered.keeps ? 'makes a closure that keeps state between calls' : heldWhere(gathered.reads, site);
  return why && `\`${name}\`, passed to a call, which ${why.startsWith(`calls \`${name}\`, which `) ? why.slice(`calls \`${name}\`, which `.length) : why}`;
}

/** Why what the bodies read does not hold where the statement runs (else undefined: they read it). */
function heldWhere(reads: ReadonlySet<string>, site: LocalCallSite): string | undefined {
  for (const name of reads) {
    const fn = site.functions.byName.get(name);
    if (!(fn ? fn.readyAt <= site.at : site.definitions.has(name))) return `reads \`${name}\`, not constant data there`;
  }
  for (const name of reads) site.reads.add(name);
  return undefined;
}

/** What checking bodies gathers: the module names they read, the module functions consulted. */
interface Gathered {
  functions: LocalFunctions;
  reads: Set<string>;
  consulted: Set<string>;
  invoked: Set<ts.Node>;
  keeps: boolean;
}

/** The summaries being computed (a call back into one assumes it pure), and how often that was assumed. */
interface Stack {
  ids: string[];
  assumed: number;
}

/** The results of a call whose callee is a module function, a local closure or such a call's result; a string says why it is not pure. */
function callResults(call: ts.CallExpression, inside: ts.Node | undefined, gathered: Gathered, stack: Stack): Result[] | string {
  const callee = skipOuter(call.expression);
  // An argument the function may write into: a literal, or (inside a body) an object it made.
  // After a spread, which parameter an argument meets is not known.
  const spread = call.arguments.findIndex((a) => ts.isSpreadElement(a));
  const fresh = call.arguments.map((a, i) => (spread < 0 || i < spread) && ownObject(a, inside, []));
  const count = spread < 0 ? call.arguments.length : undefined;
  if (ts.isCallExpression(callee)) {
    const inner = callResults(callee, inside, gathered, stack);
    if (typeof inner === 'string') return inner;
    const out: Result[] = [];
    for (const r of inner) {
      // Calling what is no function throws the same at every start.
      if (r === 'value') out.push('value');
      else if (r === 'unknown') return `calls what \`${callee.getText().slice(0, 40)}\` returns`;
      else {
        gathered.invoked.add(r);
        out.push(...resultsOf(r, count));
      }
    }
    return out;
  }
  if (!ts.isIdentifier(callee)) return `calls \`${callee.getText().slice(0, 40)}\``;
  const scope = inside && declaringScope(callee, inside);
  if (scope) {
    // A function written inside the one being checked: its body is checked with it.
    const local = localFunction(callee.text, scope);
    if (local) gathered.invoked.add(local);
    return local ? resultsOf(local, count) : `calls \`${callee.text}\`, a value it was given`;
  }
  return moduleCall(callee.text, fresh, gathered, stack, count);
}

/** A call of the module function `name` with `fresh` arguments: its results, or why it may not be pure. */
function moduleCall(name: string, fresh: boolean[], gathered: Gathered, stack: Stack, count?: number): Result[] | string {
  const fn = gathered.functions.byName.get(name);
  if (!fn) return `calls \`${name}\``;
  // Read like any module name: it must hold its function where the statement runs.
  gathered.reads.add(name);
  gathered.consulted.add(name);
  const out: Result[] = [];
  for (const body of fn.bodies) {
    const summary = summarize(body, fresh, gathered.functions, stack);
    for (const n of summary.consulted) gathered.consulted.add(n);
    if (summary.impure) return `calls \`${name}\`, which ${summary.impure}`;
    for (const n of summary.reads) gathered.reads.add(n);
    for (const n of summary.invoked) gathered.invoked.add(n);
    gathered.keeps ||= summary.keeps;
    const guarded = count !== undefined ? missingArgument(body, count) : undefined;
    out.push(...(guarded ? [guarded] : summary.results));
  }
  return out;
}

/** A function's effects when called with `fresh` arguments, memoized (a cycle assumes itself pure while it is checked). */
function summarize(fn: ts.FunctionLikeDeclaration, fresh: boolean[], functions: LocalFunctions, stack: Stack): Summary {
  const key = fresh.map((f) => (f ? 1 : 0)).join('');
  const known = summaries.get(fn)?.get(key);
  if (known) return known;
  const id = `${fn.pos}:${key}`;
  if (stack.ids.includes(id)) {
    stack.assumed++;
    return { reads: new Set(), consulted: new Set(), results: ['unknown'], keeps: false, invoked: new Set() };
  }
  if (stack.ids.length >= MAX_DEPTH) return { impure: 'calls too deep for Live Update to follow', reads: new Set(), consulted: new Set(), results: [], keeps: false, invoked: new Set() };
  const assumed = stack.assumed;
  stack.ids.push(id);
  const summary = checkBody(fn, fresh, functions, stack);
  stack.ids.pop();
  // One that leaned on an unfinished summary holds only under it: kept for the outermost call
  // (whose own assumption it proved), or when it is impure anyway.
  if (summary.impure || stack.assumed === assumed || stack.ids.length === 0) {
    const byKey = summaries.get(fn) ?? new Map<string, Summary>();
    byKey.set(key, summary);
    summaries.set(fn, byKey);
  }
  return summary;
}

function checkBody(fn: ts.FunctionLikeDeclaration, fresh: boolean[], functions: LocalFunctions, stack: Stack): Summary {
  const reads = new Set<string>();
  const consulted = new Set<string>();
  const invoked = new Set<ts.Node>();
  let keeps = false;
  let impure: string | undefined;
  const fail = (why: string): void => {
    impure ??= why;
  };
  const freshParams = fn.parameters.filter((p, i) => fresh[i] === true && ts.isIdentifier(p.name) && !p.dotDotDotToken).map((p) => (p.name as ts.Identifier).text);
  // A write from a closure to a variable it captured (of the call: allowed) keeps state in it.
  const captured = (id: ts.Identifier): boolean => {
    let at: ts.Node = id;
    while (!ts.isFunctionLike(at)) at = at.parent;
    return at !== fn && !declaringScope(id, at);
  };
  const canWrite = (id: ts.Identifier): boolean => {
    keeps ||= captured(id);
    return writable(id, fn, freshParams);
  };
  // What the functions it calls read and consulted is this body's.
  const inner: Gathered = { functions, reads, consulted, invoked, keeps: false };
  const visit = (n: ts.Node): void => {
    if (impure) return;
    // A function written here and passed to a call (`list.map((x) => …)`) may run in it.
    if (n !== fn && ts.isFunctionLike(n) && isArgument(n as ts.Expression)) invoked.add(n);
    if (n.kind === ts.SyntaxKind.ThisKeyword || n.kind === ts.SyntaxKind.SuperKeyword) return fail('uses `this`');
    if (ts.isClassLike(n) || ts.isAwaitExpression(n) || ts.isYieldExpression(n) || ts.isWithStatement(n) || ts.isTaggedTemplateExpression(n) || ts.isMetaProperty(n)) return fail('does more than compute');
    if (ts.isIdentifier(n)) {
      if (!isRead(n) || declaringScope(n, fn) || n.text === 'undefined') return;
      if (PURE_GLOBALS.has(n.text) && !functions.declared.has(n.text)) return;
      // A module function passed to a call may run in it (`list.map(helper)`).
      const passed = functions.byName.has(n.text) && isArgument(n) ? moduleCall(n.text, [], inner, stack) : undefined;
      if (typeof passed === 'string') return fail(passed);
      reads.add(n.text);
      return;
    }
    const target = writeTarget(n);
    if (target) {
      if (ts.isIdentifier(target)) {
        if (!declaringScope(target, fn)) return fail(`assigns \`${target.text}\`, outside it`);
        keeps ||= captured(target);
      } else if (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) {
        const object = skipOuter(target.expression);
        if (!ts.isIdentifier(object) || !canWrite(object)) return fail(`writes into \`${target.getText().slice(0, 40)}\`, an object it did not make`);
      } else return fail('assigns by destructuring');
    }
    if (ts.isDeleteExpression(n)) {
      const member = skipOuter(n.expression);
      const object = (ts.isPropertyAccessExpression(member) || ts.isElementAccessExpression(member)) && skipOuter(member.expression);
      if (!object || !ts.isIdentifier(object) || !canWrite(object)) return fail('deletes from an object it did not make');
    }
    if (ts.isNewExpression(n)) {
      const text = n.expression.getText().replace(/\s+/g, '');
      const root = /^[\w$]+/.exec(text)?.[0] ?? '';
      if (!PURE_CONSTRUCTORS.has(text) || functions.declared.has(root) || (ts.isIdentifier(n.expression) && declaringScope(n.expression, fn))) return fail(`constructs \`${text.slice(0, 40)}\``);
      for (const a of n.arguments ?? []) visit(a);
      return;
    }
    if (ts.isCallExpression(n)) {
      const callee = skipOuter(n.expression);
      const text = callee.getText().replace(/\s+/g, '');
      const console = CONSOLE.exec(text);
      const prototype = PROTOTYPE_CALL.exec(text);
      const rootName = /^[\w$]+/.exec(text)?.[0] ?? '';
      const global = !functions.declared.has(rootName) && !(ts.isIdentifier(rootOf(callee)) && declaringScope(rootOf(callee) as ts.Identifier, fn));
      if (console && global) {
        // Output only: run again, it prints again, as a fresh start would.
        n.arguments.forEach((a, i) => (i === 0 && console[3] && ts.isIdentifier(a) && a.text === 'console' ? undefined : visit(a)));
        return;
      }
      if (prototype && global && (PURE_METHODS.has(prototype[2]!) || PROTOTYPE_PURE.has(prototype[2]!))) {
        n.arguments.forEach(visit);
        return;
      }
      // `Object.assign(target, …)`, `Array.prototype.push.apply(target, …)`: a write into the target.
      const intoFirst = (text === 'Object.assign' || (prototype && MUTATING_METHODS.has(prototype[2]!))) && global;
      if (intoFirst) {
        if (!n.arguments[0] || !ownObject(n.arguments[0], fn, freshParams)) return fail(`writes with \`${text}\` into an object it did not make`);
        n.arguments.forEach(visit);
        return;
      }
      if (ts.isPropertyAccessExpression(callee) && MUTATING_METHODS.has(callee.name.text)) {
        const object = skipOuter(callee.expression);
        if (!ts.isIdentifier(object) || !canWrite(object)) return fail(`changes \`${text.slice(0, 40)}\`, an object it did not make`);
        n.arguments.forEach(visit);
        return;
      }
      if (ts.isIdentifier(callee) || ts.isCallExpression(callee)) {
        const results = callResults(n, fn, inner, stack);
        if (typeof results === 'string') return fail(results);
        let chain: ts.Expression = n;
        while (ts.isCallExpression(chain)) {
          chain.arguments.forEach(visit);
          chain = skipOuter(chain.expression);
        }
        return;
      }
      if (!isPureCall(text, callee)) return fail(`calls \`${text.slice(0, 40)}\``);
    }
    ts.forEachChild(n, visit);
  };
  // An async function's or a generator's body outlives the call: not followed.
  if (fn.asteriskToken || (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) fail('is async or a generator');
  for (const p of fn.parameters) if (p.initializer) visit(p.initializer);
  if (fn.body) visit(fn.body);
  return { ...(impure ? { impure } : {}), reads, consulted, results: impure ? [] : resultsOf(fn), keeps: keeps || inner.keeps, invoked };
}

/** An argument of a call or `new`, as written (`f(x)`, not `f(x.y)`). */
export function isArgument(expression: ts.Expression): boolean {
  let n: ts.Expression = expression;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  const call = n.parent;
  return (ts.isCallExpression(call) || ts.isNewExpression(call)) && (call.arguments ?? []).some((a) => a === n);
}

function rootOf(e: ts.Expression): ts.Expression {
  let n = skipOuter(e);
  while (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isCallExpression(n)) n = skipOuter(n.expression);
  return n;
}

/**
 * Whether the function checked (`root`) may write members of what `id` holds: a parameter given a
 * fresh object and never assigned, or a variable of its own whose every value is a new object.
 */
function writable(id: ts.Identifier, root: ts.Node, freshParams: readonly string[]): boolean {
  const scope = declaringScope(id, root);
  if (!scope || id.text === 'arguments') return false;
  const isParameter = ts.isFunctionLike(scope) && (scope as ts.FunctionLikeDeclaration).parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
  if (isParameter && !(scope === root && freshParams.includes(id.text))) return false;
  if (!isParameter && localFunction(id.text, scope)) return false;
  let ok = true;
  const visit = (n: ts.Node): void => {
    if (!ok) return;
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === id.text && declaringScope(n.name, root) === scope) {
      if (n.initializer && !isFresh(n.initializer)) ok = false;
    } else if (ts.isCatchClause(n) && n.variableDeclaration && declaredIn(n).has(id.text) && scope === n) ok = false;
    const target = writeTarget(n);
    if (target && ts.isIdentifier(target) && target.text === id.text && declaringScope(target, root) === scope) {
      // A parameter given a fresh object stays that object only while it is not assigned.
      if (isParameter || !ts.isBinaryExpression(n) || n.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !isFresh(n.right)) ok = false;
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return ok;
}

/** An argument a called function may write into: a literal, or (inside a body) an object the body made. */
function ownObject(arg: ts.Expression, inside: ts.Node | undefined, freshParams: readonly string[]): boolean {
  const a = skipOuter(arg);
  return ts.isObjectLiteralExpression(a) || ts.isArrayLiteralExpression(a) || (inside !== undefined && ts.isIdentifier(a) && writable(a, inside, freshParams));
}

/** A new object or array each time it runs. */
function isFresh(e: ts.Expression): boolean {
  const n = skipOuter(e);
  if (ts.isObjectLiteralExpression(n) || ts.isArrayLiteralExpression(n)) return true;
  if (ts.isNewExpression(n)) return PURE_CONSTRUCTORS.has(n.expression.getText().replace(/\s+/g, ''));
  return ts.isCallExpression(n) && FRESH_CALLS.test(n.expression.getText().replace(/\s+/g, ''));
}
