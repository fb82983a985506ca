// Spike (issue 22): where the editor path's ~45 ms per runtime call goes, and what removes it.
// `node dist/bench/src/stallSpike.js [updates]`: a program with the runtime ticking every 1 ms, a
// "debugger" connection with the Debugger domain on (as js-debug's session has it), and updates of
// one function applied through that debugger (common/debuggerApply.ts), the runtime called:
// - `same`: on the debugger's own session (what the editor did through js-debug's proxy);
// - `split`: on a second inspector connection of the program's, whose session has no Debugger
//   domain (the edits still on the debugger's session);
// - `direct`: `apply` on that second connection, the edit in the runtime's own session (the
//   command line's path: the floor).
// Prints, per update, each call's and edit's time, the whole update, and the program's longest gap
// between two ticks (its stall); then the medians. Variants alternate, so the machine's load
// weighs on all alike.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CdpConnection } from '../../common/cdpConnection';
import { applyThroughDebugger, type DebuggerApplyPort } from '../../common/debuggerApply';
import type { PatchReport, SetScriptSourceResult } from '../../common/patch';
import { RuntimeConnection } from '../../common/runtimeConnection';
import { InspectedProcess } from '../../test/support/inspectedProcess';
import { patchOf, scriptPatch } from '../../test/support/patches';
import { ms, summarize } from './stats';

/** One module per variant: an edit the runtime's own session made is made there again (transaction.ts `makeEdit`), so variants must not share a script. */
const LABEL = `exports.label = function label() {
  return 'v0';
};
`;
const PROGRAM = (variants: string[]): string => `const labels = [${variants.map((v) => `require('./${v}.js')`).join(', ')}];
let last = Date.now();
globalThis.maxGap = 0;
setInterval(() => {
  const now = Date.now();
  if (now - last > globalThis.maxGap) globalThis.maxGap = now - last;
  last = now;
  globalThis.current = labels.map((l) => l.label());
}, 1);
`;

type Variant = 'same' | 'split' | 'direct';
const VARIANTS: Variant[] = ['same', 'split', 'direct'];

async function main(): Promise<void> {
  const updates = Number(process.argv[2] ?? 8);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-stall-'));
  const main = path.join(dir, 'app.js');
  fs.writeFileSync(main, PROGRAM(VARIANTS));
  for (const variant of VARIANTS) fs.writeFileSync(path.join(dir, `${variant}.js`), LABEL);
  const p = await InspectedProcess.start(main);
  try {
    await p.send('Runtime.enable');
    await p.send('Debugger.enable');
    let parsed = 0;
    p.on('Debugger.scriptParsed', () => parsed++);
    const url = /ws:\/\/[^\s]+/.exec(p.stderr())?.[0];
    if (!url) throw new Error('no inspector URL');
    const second = new RuntimeConnection(await CdpConnection.open(url));
    const results = new Map<Variant, { total: number[]; gap: number[] }>(VARIANTS.map((v) => [v, { total: [], gap: [] }]));
    const texts = new Map<Variant, string>(VARIANTS.map((v) => [v, LABEL]));
    let version = 0;
    for (let i = 0; i < updates; i++) {
      for (const [index, variant] of VARIANTS.entries()) {
        const file = path.join(dir, `${variant}.js`);
        const next = LABEL.replace("'v0'", `'v${++version}'`);
        const patch = patchOf(scriptPatch(file, () => next, texts.get(variant)));
        await p.evaluate('globalThis.maxGap = 0');
        const log: string[] = [];
        const call = variant === 'same' ? p.runtimeCall : second.call;
        const port: DebuggerApplyPort = {
          call: async (method, argument) => {
            const t = performance.now();
            const answer = await call(method, argument);
            const state = (answer as { state?: string }).state;
            log.push(`${method === 'applyProgress' ? 'poll' : method}${state ? `→${state}` : ''} ${(performance.now() - t).toFixed(1)}`);
            return answer;
          },
          edit: async (scriptId, scriptSource) => {
            const t = performance.now();
            const answer = await p.send<SetScriptSourceResult>('Debugger.setScriptSource', { scriptId, scriptSource });
            log.push(`edit ${(performance.now() - t).toFixed(1)}`);
            return answer;
          },
        };
        const parsedBefore = parsed;
        const t0 = performance.now();
        const report = variant === 'direct' ? ((await second.call('apply', patch)) as PatchReport) : await applyThroughDebugger(port, patch);
        const total = performance.now() - t0;
        if ('unsupported' in report || !report.ok) throw new Error(`${variant}: ${JSON.stringify(report)}`);
        await p.evaluate(`new Promise((resolve) => { const wait = () => (globalThis.current[${index}] === 'v${version}' ? resolve() : setTimeout(wait, 1)); wait(); })`);
        const gap = await p.evaluate<number>('globalThis.maxGap');
        texts.set(variant, next);
        const scripts = parsed - parsedBefore;
        console.log(`${variant.padEnd(6)} ${String(i).padStart(2)}  update ${ms(total).padStart(9)}  program's longest gap ${ms(gap).padStart(9)}  scripts announced ${scripts}  | ${log.join(', ')}`);
        if (i > 0) {
          results.get(variant)!.total.push(total);
          results.get(variant)!.gap.push(gap);
        }
      }
    }
    for (const [variant, r] of results) {
      if (r.total.length === 0) continue;
      console.log(`${variant.padEnd(6)} median update ${ms(summarize(r.total).median)}, median longest gap ${ms(summarize(r.gap).median)} (${r.total.length} warm updates)`);
    }
    second.cdp.close();
  } finally {
    await p.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
