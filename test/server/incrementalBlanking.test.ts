// Blanking one function of a TypeScript save must give exactly what blanking the whole file gives.
// Random edits inside function bodies of real TypeScript files, with a seeded generator.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { toRunningText, type TypeStripper } from '../../common/runningText';
import { serverCompilers } from '../../server/src/core/savedText';
import { collectFunctions } from '../../server/src/analysis/functions';
import { blankIncrementally } from '../../server/src/core/incrementalBlanking';
import { repoRoot } from '../support/paths';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const stripper = (): TypeStripper => require('amaro') as TypeStripper;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'out') out.push(...tsFiles(full));
    else if (/\.[cm]?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Park–Miller: the same edits on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

const SNIPPETS = [' ', '\n', ' + 1', 'const q: number = 2;\n', 'let s: string | undefined;', '(x as unknown as number)', 'return;', '/* c */', '<T>(v: T): T => v', 'if (a) {', '}', ': string'];

describe('incremental type blanking', () => {
  it('equals whole-file blanking whenever it answers', () => {
    const files = [...tsFiles(path.join(repoRoot, 'test/fixtures')), ...tsFiles(path.join(repoRoot, 'server/src/analysis'))];
    const next = random(7);
    let answered = 0;
    let checked = 0;
    for (const file of files) {
      const source = fs.readFileSync(file, 'utf8');
      let running: string;
      try {
        const r = toRunningText(source, file, serverCompilers);
        if (!r.positionExact) continue;
        running = r.code;
      } catch {
        continue;
      }
      const functions = collectFunctions(file, running);
      const bodies = functions.functions.filter((f) => f.bodyStartOffset >= 0 && f.endOffset - f.bodyStartOffset > 2);
      for (let i = 0; i < 12 && bodies.length; i++) {
        const fn = bodies[Math.floor(next() * bodies.length)]!;
        const at = fn.bodyStartOffset + 1 + Math.floor(next() * (fn.endOffset - fn.bodyStartOffset - 2));
        const cut = next() < 0.3 ? Math.floor(next() * 6) : 0;
        const edited = source.slice(0, at) + SNIPPETS[Math.floor(next() * SNIPPETS.length)]! + source.slice(Math.min(at + cut, fn.endOffset - 1));
        checked++;
        const incremental = blankIncrementally(file, edited, { source, running, functions }, stripper);
        if (incremental === undefined) continue;
        answered++;
        let whole: string | undefined;
        try {
          const r = toRunningText(edited, file, serverCompilers);
          whole = r.positionExact ? r.code : undefined;
        } catch {
          whole = undefined;
        }
        assert.equal(incremental, whole, `${path.relative(repoRoot, file)}: an edit at ${at} blanked differently`);
      }
    }
    assert.ok(checked > 200, `only ${checked} edits`);
    assert.ok(answered > checked / 4, `the incremental path answered ${answered} of ${checked}`);
  });

  it('falls back when the edit touches a function boundary or the top level', () => {
    const file = path.join(repoRoot, 'x.ts');
    const source = 'const n: number = 1;\nfunction f(a: number): number {\n  return a + n;\n}\n';
    const running = toRunningText(source, file, serverCompilers).code;
    const functions = collectFunctions(file, running);
    const previous = { source, running, functions };
    assert.equal(blankIncrementally(file, source.replace('const n: number = 1', 'const n: number = 2'), previous, stripper), undefined);
    assert.equal(blankIncrementally(file, source.replace('(a: number)', '(a: number, b?: string)'), previous, stripper), undefined);
    const inside = source.replace('return a + n;', 'const b: string = "x";\n  return a + n + b.length;');
    assert.equal(blankIncrementally(file, inside, previous, stripper), toRunningText(inside, file, serverCompilers).code);
  });
});
