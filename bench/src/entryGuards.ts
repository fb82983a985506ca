// The spike's entry indirection (decision 049), as text: the guards compiled into a module's
// module-level functions and methods, and the slots an update writes (pauseSpike.ts measures them).

export interface Fn {
  name: string;
  slot: string;
  line: number;
  kind: 'function' | 'generator' | 'async' | 'method';
  /** The function's text, from `function`/the method name to its closing brace. */
  text: string;
  column: number;
}

/** Module-level functions and the methods of its classes, located by their layout (enough for the spike's module). */
export function functionsOf(source: string): Fn[] {
  const lines = source.split('\n');
  const found: Fn[] = [];
  let inClass = '';
  lines.forEach((line, i) => {
    const cls = /^class (\w+) \{$/.exec(line);
    if (cls) inClass = cls[1]!;
    if (line === '}') inClass = inClass && lines[i - 1]!.startsWith('  }') ? '' : inClass;
    const fn = /^(async )?function(\*)? (\w+)\(.*\) \{$/.exec(line);
    const method = inClass ? /^  (\w+)\(.*\) \{$/.exec(line) : null;
    if (!fn && !method) return;
    const close = fn ? '}' : '  }';
    const end = lines.findIndex((l, j) => j > i && l === close);
    const name = fn ? fn[3]! : method![1]!;
    const column = fn ? 0 : 2;
    found.push({
      name,
      slot: fn ? `$lu_${name}` : `$lu_${inClass}$${name}`,
      line: i,
      kind: fn ? (fn[1] ? 'async' : fn[2] ? 'generator' : 'function') : 'method',
      text: [line.slice(column), ...lines.slice(i + 1, end + 1)].join('\n'),
      column,
    });
  });
  return found;
}

/**
 * The other form measured: one table per module in a `const` declared on the first line (after
 * `'use strict';`: only that line's columns move), so the optimizer can fold the guard of an inlined
 * function (an immutable slot of a known context, a field that was never written) until an update
 * writes the field.
 */
export function constTableText(source: string, file: string): string {
  const fns = functionsOf(source);
  const lines = source.split('\n');
  for (const fn of fns) lines[fn.line] += guardOf({ ...fn, slot: `$lu.${fn.slot.slice(4)}` }, 'void 0');
  // A first property named for the module gives each module's table a map of its own: tables of the
  // same shape would share one, and a write into one module's table would deoptimize every module's
  // folded guards (measured: cpuWork at 0.24× after another module's updates).
  const own = `$m_${[...file].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7).toString(36)}`;
  lines[0] += ` const $lu = { ${own}: 0, ${fns.map((f) => `${f.slot.slice(4)}: void 0`).join(', ')} };`;
  return lines.join('\n') + `\n;var $lu_apply = Reflect.apply, $lu_construct = Reflect.construct;` + accessorLine(file);
}

/** The guard that forwards a call to the slot's function: on the first line, after `{`, so no line moves. */
export function guardOf(fn: Fn, self: string): string {
  const when = `${fn.slot} !== ${self}`;
  switch (fn.kind) {
    case 'generator':
      return ` if (${when}) return yield* $lu_apply(${fn.slot}, this, arguments);`;
    case 'function':
      return ` if (${when}) return new.target === void 0 ? $lu_apply(${fn.slot}, this, arguments) : $lu_construct(${fn.slot}, arguments, new.target);`;
    default:
      return ` if (${when}) return $lu_apply(${fn.slot}, this, arguments);`;
  }
}

export const SCOPE_KEY = 'liveUpdate.spike.scopes';
export const accessorLine = (file: string) => `\n;globalThis[Symbol.for(${JSON.stringify(SCOPE_KEY)})]?.(${JSON.stringify(file)}, (code) => eval(code));`;

/** The running text with entry indirection compiled in: guards on first lines, the slots declared on the appended line. */
export function guardedText(source: string, file: string): string {
  const fns = functionsOf(source);
  const lines = source.split('\n');
  for (const fn of fns) lines[fn.line] += guardOf(fn, 'void 0');
  const slots = fns.map((f) => f.slot).join(', ');
  return lines.join('\n') + `\n;var $lu_apply = Reflect.apply, $lu_construct = Reflect.construct, ${slots};` + accessorLine(file);
}
