// Load scopes: the bodies of functions a module calls while it loads and never again — the IIFE
// many published libraries wrap their code in (`;(function () { … })()`), a UMD wrapper and the
// factory it calls, `var table = (function () { … }())`. What their statements compute is
// computed once, at load, like a module's top level, so an update treats each such body as a top
// level of its own (issue 20, shape A): its statements are classified, and the changed definitions
// among them run again in its scope. To reach that scope the running text gives each one an
// accessor, as it gives the module one (common/runningText.ts `scopeAccessor`): a statement right
// at the start of its body (after its directives) that hands the runtime `(code) => eval(code)`
// with the body's number. No line moves: only the columns after it on that line.
//
// Found with the tokenizer (common/jsScan.ts), identically by the runtime when the module loads
// and by the server for a save: a function expression is a load scope when it is called where it
// is written (`(function(){…})()`, `function(){…}()`, `(function(){…}).call(this)`, an arrow the
// same way) or passed to such a call (a factory), at the top level or inside another load scope.
import { tokensOf, type Token } from './jsScan';

export interface LoadScope {
  /** 1, 2, …: the scope's number in the file, in source order (its accessor's and its steps' key). */
  id: number;
  /** Offset of the `{` that opens its body. */
  bodyStart: number;
  /** Offset of the `}` that closes it. */
  bodyEnd: number;
  /** Where its accessor goes: after the `{` and the body's directives (`'use strict';`). */
  insertAt: number;
  /** Offsets of the `const` keywords of the declarations directly in its body. */
  consts: number[];
}

interface Fn {
  bodyOpen: number;
  bodyClose: number;
  parent: Fn | undefined;
  iife: boolean;
  factory: boolean;
}

/** Words after which `(…) {` opens a block, not a method's body. */
const BLOCK_WORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'with']);
/** Tokens after which `function` begins a declaration (a statement), not an expression. */
const STATEMENT_START = new Set([';', '{', '}']);

/** The load scopes of a running text, in source order; empty when the scan is unsure. */
export function loadScopes(code: string): LoadScope[] {
  const tokens = tokensOf(code);
  if (!tokens) return [];
  const text = (t: Token | undefined): string => (t ? code.slice(t.start, t.end) : '');
  // Matching brackets, by token index.
  const partner = new Map<number, number>();
  const opens: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind === 'open') opens.push(i);
    else if (t.kind === 'close') {
      const o = opens.pop()!;
      partner.set(o, i);
      partner.set(i, o);
    }
  });
  const fns: Fn[] = [];
  /** The function whose body each `{` opens, by token index. */
  const bodies = new Map<number, Fn>();
  /** The argument lists of immediately called functions, by their `(` token index. */
  const callArguments = new Set<number>();
  const enclosing: (Fn | undefined)[] = [];
  let current: Fn | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'open' && text(t) === '{') {
      const head = functionHead(tokens, i, partner, text);
      if (head !== undefined) {
        const fn: Fn = { bodyOpen: i, bodyClose: partner.get(i)!, parent: current, iife: false, factory: false };
        // The function as an expression, with the parentheses written around it: `(function () {…})`.
        let first = head;
        let last = fn.bodyClose;
        while (text(tokens[first - 1]) === '(' && partner.get(first - 1) === last + 1) {
          first--;
          last++;
        }
        const before = tokens[first - 1];
        const after = calledAt(tokens, last, first, partner, text);
        if (after !== undefined && !(first === head && text(tokens[head]) === 'function' && (before === undefined || STATEMENT_START.has(text(before))))) {
          fn.iife = true;
          callArguments.add(after);
        }
        // A function written directly in the argument list of an immediately called function.
        if (before && (text(before) === ',' || (before.kind === 'open' && text(before) === '(')) && callArguments.has(argumentList(tokens, first, partner))) fn.factory = true;
        fns.push(fn);
        bodies.set(i, fn);
      }
      enclosing.push(current);
      current = bodies.get(i) ?? current;
    } else if (t.kind === 'open') {
      enclosing.push(current);
    } else if (t.kind === 'close') {
      current = enclosing.pop();
    }
  }
  const loadTime = new Map<Fn, boolean>();
  const isLoadTime = (fn: Fn): boolean => {
    let known = loadTime.get(fn);
    if (known === undefined) {
      known = (fn.iife || fn.factory) && (fn.parent === undefined || isLoadTime(fn.parent));
      loadTime.set(fn, known);
    }
    return known;
  };
  const out: LoadScope[] = [];
  for (const fn of fns) {
    if (!isLoadTime(fn)) continue;
    const depth = tokens[fn.bodyOpen]!.depth + 1;
    const consts: number[] = [];
    for (let k = fn.bodyOpen + 1; k < fn.bodyClose; k++) {
      const t = tokens[k]!;
      if (t.depth !== depth || t.kind !== 'word' || text(t) !== 'const') continue;
      const prev = tokens[k - 1]!;
      if (prev.kind === 'dot' || (text(prev) === 'as' && tokens[k - 2]?.kind !== 'dot')) continue;
      consts.push(t.start);
    }
    out.push({ id: out.length + 1, bodyStart: tokens[fn.bodyOpen]!.start, bodyEnd: tokens[fn.bodyClose]!.start, insertAt: afterDirectives(tokens, fn.bodyOpen, code), consts });
  }
  return out;
}

/**
 * When the `{` at token `open` begins a function's body: the index of the function's first token
 * (`function`, `async`, or the arrow's parameters); undefined for a block, an object or a class.
 */
function functionHead(tokens: Token[], open: number, partner: Map<number, number>, text: (t: Token | undefined) => string): number | undefined {
  const prev = tokens[open - 1];
  if (!prev) return undefined;
  // An arrow: `(a, b) => {`, `a => {`, `async () => {`.
  if (text(prev) === '>' && text(tokens[open - 2]) === '=' && tokens[open - 2]!.end === prev.start) {
    const params = tokens[open - 3];
    if (!params) return undefined;
    let first = params.kind === 'close' ? partner.get(open - 3)! : open - 3;
    if (text(tokens[first - 1]) === 'async') first--;
    return first;
  }
  if (prev.kind !== 'close' || text(prev) !== ')') return undefined;
  const paren = partner.get(open - 1)!;
  const name = tokens[paren - 1];
  if (!name) return undefined;
  if (text(name) === 'function') return text(tokens[paren - 2]) === 'async' ? paren - 2 : paren - 1;
  if (text(name) === '*' && text(tokens[paren - 2]) === 'function') return paren - 2;
  if (name.kind === 'word' && !BLOCK_WORDS.has(text(name))) {
    let k = paren - 2;
    if (text(tokens[k]) === '*') k--;
    if (text(tokens[k]) === 'function') return text(tokens[k - 1]) === 'async' ? k - 1 : k;
    // A method (`name() {`, `get x() {`): a function, though never one called at load.
    return paren - 1;
  }
  // A method with a computed name (`[key]() {`).
  if (text(name) === ']') return paren - 1;
  return undefined;
}

/**
 * When the function whose body closes at token `close` (and begins at token `head`) is called
 * right where it is written: the index of its argument list's `(`.
 */
function calledAt(tokens: Token[], close: number, head: number, partner: Map<number, number>, text: (t: Token | undefined) => string): number | undefined {
  let k = close + 1;
  // `(function () {…})(…)`: the parenthesis around the function closes first.
  if (text(tokens[k]) === ')' && partner.get(k) === head - 1) k++;
  if (text(tokens[k]) === '.' && /^(call|apply)$/.test(text(tokens[k + 1]))) k += 2;
  return text(tokens[k]) === '(' && tokens[k]!.kind === 'open' ? k : undefined;
}

/** The `(` of the argument list a function beginning at token `head` is written in (or -1). */
function argumentList(tokens: Token[], head: number, partner: Map<number, number>): number {
  let depth = 0;
  for (let k = head - 1; k >= 0; k--) {
    const t = tokens[k]!;
    if (t.kind === 'close') depth++;
    else if (t.kind === 'open') {
      if (depth === 0) return partner.has(k) ? k : -1;
      depth--;
    }
  }
  return -1;
}

/** After the `{` at token `open` and the directive prologue that follows it. */
function afterDirectives(tokens: Token[], open: number, code: string): number {
  let at = tokens[open]!.end;
  for (let k = open + 1; tokens[k]?.kind === 'string'; ) {
    const next = tokens[k + 1];
    if (next && code.slice(next.start, next.end) === ';') {
      at = next.end;
      k += 2;
    } else if (next && /[\n\r\u2028\u2029]/.test(code.slice(tokens[k]!.end, next.start)) && next.kind !== 'punct' && next.kind !== 'dot') {
      at = tokens[k]!.end;
      k += 1;
    } else if (next && next.kind === 'close') {
      at = tokens[k]!.end;
      break;
    } else break;
  }
  return at;
}

/**
 * The accessor statement of scope `id` (of `count`) of `file`, in one of the two spellings (see
 * ACCESSOR_FORMS). The numbers let the runtime find a scope again when V8 did not carry its
 * accessor over to a later text (runtime/src/scopes.ts).
 */
export function loadScopeAccessor(file: string, id: number, count: number, evaluator: string, registryKey: string): string {
  return `${accessorHead(file, registryKey)}${evaluator}, ${id}, ${count});`;
}

/** Where the accessor's function (its arrow's `(`) begins in a running text with `scope`. */
export function loadScopeEvaluatorAt(scope: LoadScope, file: string, registryKey: string): number {
  return scope.insertAt + accessorHead(file, registryKey).length;
}

/** `text` without the load-scope accessors the running text inserted (for labels a person reads). */
export function withoutLoadScopeAccessors(text: string): string {
  return text.replace(/;globalThis\[Symbol\.for\("[^"]*"\)\]\?\.\("(?:[^"\\]|\\.)*", \((?:code|c\$de)\) => eval\((?:code|c\$de)\), \d+, \d+\);/g, '');
}

function accessorHead(file: string, registryKey: string): string {
  return `;globalThis[Symbol.for(${JSON.stringify(registryKey)})]?.(${JSON.stringify(file)}, `;
}
