// Spike (issue 19): does a CDP binding the runtime calls (runtime/src/signals.ts) beat polling?
// `node dist/bench/src/signalsSpike.js [runs]`: a pending update landing, from the runtime's event
// (`at`) to the debugger knowing it, polled every 100 ms or told by the `pending` signal and one
// ask, alternating. On this 2-core machine, busy: polled median 32–50 ms, p95 99–105 ms;
// signalled median 2–4 ms, p95 6–7 ms. Kept: the server listens where it can, and polls only
// where it cannot.
// The same was tried for the edits of an update applied through the debugger (signals `edit` and
// `done` instead of a 4 ms poll of `applyProgress`): 146 ms against 154 ms median over 14 runs,
// within the noise (a direct apply took 52 ms). Not kept: the poll stays.
import * as fs from 'node:fs';
import { InspectedProcess } from '../../test/support/inspectedProcess';
import { fixture } from '../../test/support/paths';
import { patchOf, serverPatch } from '../../test/support/patches';
import { eventually } from '../../test/support/eventually';
import { ms, summarize } from './stats';

/** The runtime's `pending` signals on a connection, latched: what the server's pending tracker hears. */
class Signals {
  private latched = false;
  private wake: (() => void) | undefined;

  constructor(private readonly p: InspectedProcess) {}

  async start(): Promise<void> {
    const listening = await this.p.runtimeConnection.listen(() => {
      this.latched = true;
      this.wake?.();
    });
    if (!listening) throw new Error('the runtime does not listen');
  }

  next(ms: number): Promise<void> {
    if (this.latched) {
      this.latched = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.latched = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

async function pendingLanding(runs: number): Promise<void> {
  const file = fixture('async-js', 'main.js');
  const text = fs.readFileSync(file, 'utf8');
  const times = { polled: [] as number[], signalled: [] as number[] };
  for (let i = 0; i < runs * 2; i++) {
    const mode = i % 2 === 0 ? 'polled' : 'signalled';
    // A program whose `waiter` is suspended at an await, and an update of it: it waits.
    const p = await InspectedProcess.start(file);
    try {
      await eventually('the fixture', () => p.evaluate<boolean>('typeof fixture === "object"'));
      const signals = new Signals(p);
      await signals.start();
      const report = await p.apply({ ...patchOf(serverPatch(file, text, text.replace("return 'waited';", "return 'waited again';"))), whenActive: 'defer' });
      const pendingId = report.scripts[0]?.pending?.id;
      if (!pendingId) throw new Error(`not pending: ${JSON.stringify(report)}`);
      let seen = (await p.pending(0)).seq;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 100));
      await p.evaluate('fixture.release()');
      // The debugger's side: learn of the landing as the server would.
      let knownAt: number | undefined;
      let landedAt: number | undefined;
      const deadline = Date.now() + 20_000;
      while (knownAt === undefined) {
        if (Date.now() > deadline) throw new Error(`never landed: ${JSON.stringify(await p.pending(0))}`);
        if (mode === 'polled') await new Promise((resolve) => setTimeout(resolve, 100));
        else await signals.next(5_000);
        const state = await p.pending(seen);
        const event = state.events.find((e) => e.pending.id === pendingId && e.outcome === 'applied');
        seen = state.seq;
        if (event) {
          knownAt = Date.now();
          landedAt = event.at;
        }
      }
      times[mode].push(knownAt - landedAt!);
    } finally {
      await p.kill();
    }
  }
  for (const [mode, values] of Object.entries(times)) {
    const s = summarize(values);
    console.log(`B. a pending update landing → known, ${mode}: median ${ms(s.median)}, p95 ${ms(s.p95)}, max ${ms(s.max)} (${s.runs} runs)`);
  }
}

async function main(): Promise<void> {
  await pendingLanding(Number(process.argv[2] ?? 10));
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
