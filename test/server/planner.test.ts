// The planner as data (server/src/core/planner.ts): `check(before, after, expect)` gives a file's
// text as a program runs it and as saved, and states what the server makes of the save — the
// update held and why, or the patch (its functions, their closure risks, its module steps) — and
// the diagnostics it would publish once the runtime applied that patch as it is. No process, no
// server: the same planner and reporter the engine runs, on strings. The golden corpus over real
// LSP and real programs (goldens.test.ts) is the heavy tier above these.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PatchReport } from '../../common/patch';
import { collectFunctions } from '../../server/src/analysis/functions';
import type { LiveDiagnostic } from '../../server/src/core/diagnostics';
import { plan, type Plan } from '../../server/src/core/planner';
import { DEFAULT_POLICY } from '../../server/src/core/policy';
import { deliveredOutcome } from '../../server/src/core/reporter';
import { runningTextOf } from '../../server/src/core/savedText';
import { NO_VERDICT, typeDiagnostics, type TypeVerdict } from '../../server/src/core/typeGatePort';

interface Options {
  /** The file's name: its extension decides JavaScript or TypeScript, CommonJS or ES module. */
  file?: string;
  /** The type gate's verdict on the save (none by default). */
  verdict?: TypeVerdict;
  /** Only these functions' changes (the REPL's `update f`). */
  only?: string[];
}

/** What the planner makes of a save. */
function planOf(before: string, after: string, options: Options = {}): { file: string; result: Plan } {
  const file = `/project/${options.file ?? 'main.js'}`;
  const running = runningTextOf(file, before);
  if (!running.ok) throw new Error(`the text before does not parse: ${running.syntaxErrors[0]?.message}`);
  const baseline = { hash: running.hash, text: running.code, functions: collectFunctions(file, running.code) };
  const view = { running: file, saved: runningTextOf(file, after), splice: false, source: after, ...(options.only ? { only: options.only } : {}) };
  return { file, result: plan({ view, baseline }, { ...DEFAULT_POLICY, newPatchId: () => 'p1' }, options.verdict ?? NO_VERDICT) };
}

/** The same, one line per fact, as `expect` states it. */
function planned(before: string, after: string, options: Options = {}): string {
  const { file, result } = planOf(before, after, options);
  return describePlan(file, result).join('\n');
}

function describePlan(file: string, result: Plan): string[] {
  switch (result.kind) {
    case 'same':
    case 'nothing':
      return [result.kind];
    case 'held':
      return [`held: ${result.reason}`, ...result.diagnostics.map(diagnostic)];
    case 'patch': {
      const script = result.patch.scripts[0]!;
      const lines = [`patch: ${script.functions.map((f) => (f.closureRisk ? `${f.name} (risk: ${f.closureRisk})` : f.name)).join(', ') || '(no function)'}`];
      for (const step of script.steps ?? []) lines.push(`step: ${step.kind} ${step.label}`);
      if (script.twoStep) lines.push(`two LiveEdits: ${script.twoStep}`);
      // What the file would say once the runtime applied it as it is.
      const report: PatchReport = { id: 'p1', ok: true, blockedMs: 0, scripts: [{ file, outcome: 'applied', verified: true, ...(script.steps ? { steps: script.steps.map((s) => s.label) } : {}) }] };
      const outcome = deliveredOutcome(file, { id: 't', name: 'main.js [1]' }, result, { report });
      return [...lines, ...outcome.diagnostics.map(diagnostic)];
    }
  }
}

function diagnostic(d: LiveDiagnostic): string {
  return `${d.code} ${d.start.line + 1}:${d.start.column + 1} ${d.severity}: ${d.message}`;
}

function check(before: string, after: string, expect: string, options?: Options): void {
  assert.equal(planned(before, after, options), expect.trim().replace(/^ +/gm, ''));
}

describe('planner: a save, as text, becomes a held update or a patch', () => {
  it('sends the edited function alone', () => {
    check('function f() {\n  return 1;\n}\nsetInterval(f, 10);\n', 'function f() {\n  return 2;\n}\nsetInterval(f, 10);\n', 'patch: f');
  });

  it('has nothing to send when the target already runs the saved text', () => {
    check('function f() {\n  return 1;\n}\n', 'function f() {\n  return 1;\n}\n', 'same');
  });

  it('holds a save that does not parse, at the error', () => {
    check(
      'function f() {\n  return 1;\n}\n',
      'function f() {\n  return 1 +;\n}\n',
      `held: syntax error
       LU003 2:13 warning: Not applied: the saved file does not parse (line 2: Expression expected). The program keeps running the previous version.`,
    );
  });

  it('holds the removal of a function that is still called', () => {
    check(
      'function g() {\n  return 1;\n}\nfunction f() {\n  return g();\n}\n',
      'function f() {\n  return g();\n}\n',
      `held: \`g\` was removed but is still used
       LU010 2:10 error: Not applied: \`g\` was removed but is still used here, so the updated program would throw a ReferenceError. Restore it or remove this use; the program keeps the previous version.`,
    );
  });

  it('holds an edit that only makes a function async, which V8 would not carry out', () => {
    check(
      'function f() {\n  return 1;\n}\n',
      'async function f() {\n  return 1;\n}\n',
      `held: V8 cannot change the kind of \`f\` alone
       LU012 1:16 error: Not applied: \`f\` became async with its body unchanged, and V8 keeps a function whose body did not change as it was compiled, so the running program would keep calling the old kind. Change its body in the same save (or restart the program). The program keeps the previous version.`,
    );
  });

  it('adds a new top-level declaration in a step, keeping the running layout', () => {
    check(
      'function f() {\n  return 1;\n}\n',
      'const LIMIT = 2;\nfunction f() {\n  return LIMIT;\n}\n',
      `patch: f (risk: the text right above it changed too)
       step: declaration const LIMIT
       two LiveEdits: topLevelFirst`,
    );
  });

  it('holds a statement that declares new top-level names beside existing ones', () => {
    check(
      'let a = 1;\nfunction f() {\n  return a;\n}\n',
      'let a = 1, b = 2;\nfunction f() {\n  return a + b;\n}\n',
      `held: a new top-level declaration declares \`b\` beside \`a\`, which the running module already has; declare the new name in a statement of its own
       LU013 1:5 error: Not applied: this statement declares \`b\` beside \`a\`, which the running module already has; declare the new name in a statement of its own. The program keeps the previous version.`,
    );
  });

  it('holds an edit whose type errors the gate reports, and says so on the line', () => {
    const file = '/project/main.ts';
    const problem = { file, start: { line: 1, column: 9 }, end: { line: 1, column: 10 }, code: 2322, message: "Type 'string' is not assignable to type 'number'." };
    check(
      'function f(): number {\n  return 1;\n}\n',
      "function f(): number {\n  return 'one';\n}\n",
      `held: the edit introduces a type error
       LU007 2:10 warning: Not applied: the edit introduces a type error (line 2: Type 'string' is not assignable to type 'number'). The program keeps running the previous version; fix it and save, or apply anyway (Quick Fix).`,
      { file: 'main.ts', verdict: { blocking: true, reason: 'the edit introduces a type error', diagnostics: typeDiagnostics(file, { problems: [problem], javaScript: false }, true) } },
    );
  });

  it('says a changed top-level effect is kept as it ran', () => {
    check(
      "function f() {\n  return 1;\n}\nconsole.log('start');\n",
      "function f() {\n  return 1;\n}\nconsole.log('started');\n",
      `patch: (no function)
       LU009 4:1 warning: This top-level statement was not re-run: it acts outside the module (it calls \`console.log\`). The running program keeps what the previous version did; run it now with the Quick Fix.`,
    );
  });

  it('re-evaluates a changed definition in a step', () => {
    check(
      'const GREETING = "hi";\nfunction f() {\n  return GREETING;\n}\n',
      'const GREETING = "hello";\nfunction f() {\n  return GREETING;\n}\n',
      `patch: (no function)
       step: definition const GREETING
       LU017 1:7 information: \`GREETING\` was re-evaluated in the running module, inside the update: functions now compute with the new value.`,
    );
  });

  it("runs again a definition built at load by the module's own pure function when only that function's code changed (issue 20)", () => {
    const before = 'function scale(x) {\n  return x * 2;\n}\nconst TABLE = [1, 2].map(scale);\nconst BIG = scale(10);\nfunction get(i) {\n  return TABLE[i] + BIG;\n}\nmodule.exports = { get };\n';
    // `TABLE` passes it to `map`, which calls it: the same.
    check(before, before.replace('x * 2', 'x * 3'), 'patch: scale\nstep: definition const TABLE\nstep: definition const BIG');
  });

  it('keeps an ES module’s top level as it runs: its functions patched, its definitions re-evaluated', () => {
    check(
      "export function f() {\n  return 1;\n}\nexport const NAME = 'a';\n",
      "export function f() {\n  return 2;\n}\nexport const NAME = 'b';\n",
      `patch: f
       step: definition const NAME
       two LiveEdits: topLevelFirst
       LU008 4:14 information: The top level of this ES module stays as it runs (V8 cannot change a module's top-level code while it runs): the functions were updated (\`f\`), and the definitions were re-evaluated in the module's scope (\`const NAME\`), so their bindings hold the new values while the running text keeps the old lines; every other top-level statement stays as it ran.`,
      { file: 'main.mjs' },
    );
  });

  it('takes only the named functions with `only`', () => {
    check(
      'function f() {\n  return 1;\n}\nfunction g() {\n  return 1;\n}\n',
      'function f() {\n  return 2;\n}\nfunction g() {\n  return 2;\n}\n',
      'patch: g',
      { only: ['g'] },
    );
    check('function f() {\n  return 1;\n}\n', 'function f() {\n  return 1;\n}\nfunction g() {}\n', 'nothing', { only: ['f'] });
  });

  it('marks a function that now reads an outer variable no closure captured: V8 would leave its closures on old code', () => {
    check(
      'function make() {\n  const count = 0;\n  return () => {\n    return 1;\n  };\n}\n',
      'function make() {\n  const count = 0;\n  return () => {\n    return count;\n  };\n}\n',
      `patch: make › <function> (risk: it now reads \`count\`, which no function read before)`,
    );
  });
});

// Only a function inside another function can have several closures: Node 24's LiveEdit bug
// needs two (docs/decisions/052), so the runtime skips its heap walk for a flat script.
describe('planner: flat scripts', () => {
  const flat = (before: string, after: string): boolean | undefined => {
    const { result } = planOf(before, after);
    assert.equal(result.kind, 'patch');
    return result.kind === 'patch' ? result.patch.scripts[0]!.flat : undefined;
  };
  it('marks a script whose functions are all at the top level, methods of a top-level class included', () => {
    const text = (n: number) => `function handle(x) {\n  return x + ${n};\n}\nclass Store {\n  get(k) {\n    return k;\n  }\n}\nconst f = (y) => y * 2;\nmodule.exports = { handle, Store, f };\n`;
    assert.equal(flat(text(1), text(2)), true);
  });
  it('does not mark one with a function inside a function, a method, or a load-time wrapper', () => {
    const cases = [
      (n: number) => `function make(k) {\n  return (w) => w + k + ${n};\n}\nmodule.exports = make;\n`,
      (n: number) => `class Store {\n  all(xs) {\n    return xs.map((x) => x + ${n});\n  }\n}\nmodule.exports = Store;\n`,
      (n: number) => `;(function () {\n  function label(s) {\n    return s + ${n};\n  }\n  module.exports = label;\n})();\n`,
    ];
    for (const text of cases) assert.equal(flat(text(1), text(2)), undefined, text(1));
  });
  it('does not mark a flat script that the update makes nested (closures the update makes are new)', () => {
    assert.equal(flat(`function f(x) {\n  return x;\n}\nmodule.exports = f;\n`, `function f(x) {\n  return [x].map((y) => y)[0];\n}\nmodule.exports = f;\n`), undefined);
  });
});
