// What the top-level analyses trust built-ins to do: the globals, functions, constructors and methods
// that compute a value and touch nothing else (topLevel.ts classes load-time code with them;
// localEffects.ts, the bodies of the module's own functions it calls).
import ts from 'typescript';

/** Globals whose plain reads are pure. */
export const PURE_GLOBALS = new Set(['Math', 'Number', 'String', 'Boolean', 'Object', 'Array', 'JSON', 'Symbol', 'RegExp', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Infinity', 'NaN', 'undefined', 'BigInt', 'Date', 'Error', 'TypeError', 'RangeError', 'Intl', 'Reflect', 'Promise', 'URL', 'TextEncoder', 'TextDecoder',
  // Built-in functions read as values (`var decode = decodeURIComponent`): reading them is pure.
  'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI', 'escape', 'unescape', 'isFinite', 'isNaN', 'parseInt', 'parseFloat']);
/** Calls that compute a value from their arguments and touch nothing else. */
export const PURE_CALLS = new Set([
  'Object.freeze', 'Object.fromEntries', 'Object.entries', 'Object.keys', 'Object.values', 'Object.create', 'Object.getOwnPropertyNames',
  'Array.from', 'Array.of', 'Array.isArray', 'String.raw', 'String.fromCharCode', 'String.fromCodePoint', 'JSON.parse', 'JSON.stringify',
  'Number', 'String', 'Boolean', 'BigInt', 'Symbol', 'Symbol.for', 'RegExp', 'parseInt', 'parseFloat', 'encodeURIComponent', 'decodeURIComponent',
]);
export const PURE_CONSTRUCTORS = new Set(['RegExp', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Error', 'TypeError', 'RangeError', 'URL', 'TextEncoder', 'TextDecoder', 'Intl.Collator', 'Intl.NumberFormat', 'Intl.DateTimeFormat']);
/** Methods that return a new value and leave their receiver alone (arrays, strings, maps). */
export const PURE_METHODS = new Set([
  'map', 'filter', 'reduce', 'reduceRight', 'flat', 'flatMap', 'concat', 'slice', 'join', 'split', 'includes', 'indexOf', 'lastIndexOf',
  'find', 'findIndex', 'some', 'every', 'keys', 'values', 'entries', 'toUpperCase', 'toLowerCase', 'trim', 'trimStart', 'trimEnd',
  'padStart', 'padEnd', 'repeat', 'replace', 'replaceAll', 'startsWith', 'endsWith', 'charAt', 'charCodeAt', 'codePointAt', 'substring',
  'toString', 'toFixed', 'normalize', 'at', 'get', 'has', 'toSorted', 'toReversed', 'with', 'test', 'exec', 'match', 'matchAll', 'bind',
]);
/** Methods that change their receiver: on a top-level binding inside a function, that binding is state; in a module function, only on an object it made (localEffects.ts). */
export const MUTATING_METHODS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear']);

/**
 * A call of a built-in that only computes (`Object.keys(x)`, `s.split(',')`, `Math.max(a, b)`), by its
 * callee's text: a method is trusted by its name, whatever its receiver, but not on the clock or
 * randomness (`Date.now()`, `Math.random()`).
 */
export function isPureCall(callee: string, calleeNode: ts.Expression): boolean {
  const method = ts.isPropertyAccessExpression(calleeNode) ? calleeNode.name.text : undefined;
  return PURE_CALLS.has(callee) || (method !== undefined && PURE_METHODS.has(method) && !/^(Date|Math\.random|crypto)/.test(callee)) || /^Math\.(?!random)\w+$/.test(callee);
}
