// The pause benchmark: how long a program is blocked while a one-function patch applies.
//
// Each run edits one function of a large module in a running program, alternating between two
// versions (A→B, B→A, …) so that every run really changes code, and records three figures:
//   - blockedMs: what the runtime itself reports (the time inside its apply);
//   - stall: the longest gap between two turns of the program's event loop around the apply,
//     measured inside the program (this also counts what happens before the runtime is called:
//     receiving the CDP message, compiling the `evaluate` expression, parsing the patch JSON);
//   - round trip: wall time of the `Runtime.evaluate` over CDP, as the debugger sees it.
// The program is started the way the extension starts it (runtime preloaded, inspector on
// loopback), and the bench's CDP session enables the Runtime and Debugger domains as js-debug does.
import { performance } from 'node:perf_hooks';
import type { PatchReport, ScriptPatch } from '../../common/patch';
import { isRuntimeError, runtimeCallExpression, type RuntimeError } from '../../common/runtimeApi';
import { untilLanded } from '../../server/src/core/targetPort';
import { InspectedProcess } from '../../test/support/inspectedProcess';
import { patchOf, scriptPatch } from '../../test/support/patches';
import { summarize, type Summary } from './stats';
import type { BenchCase } from './targets';

export interface RunSample {
  direction: 'A→B' | 'B→A';
  blockedMs: number;
  stallMs: number;
  roundTripMs: number;
  /** The runtime queued the apply to the program's next turn (its code was on the stack). */
  queued?: boolean;
}

export interface CaseResult {
  case: string;
  description: string;
  functionName: string;
  moduleChars: number;
  targetMs: number;
  plannedRuns: number;
  /** Set when the case stopped after `minRuns` because it had used its time budget. */
  stoppedEarly: boolean;
  samples: RunSample[];
  figures: { blockedMs: Summary; stallMs: Summary; roundTripMs: Summary };
  /** Milliseconds to build the two patches with the server's analysis (not part of any pause). */
  patchBuildMs: number;
  /** Median cost of each step an apply performs, measured separately in the program (empty: not measured). */
  breakdown: Record<string, number>;
  breakdownTrials: number;
}

export interface PauseOptions {
  /** Runs per case, unless the case has used `budgetMs` after `minRuns` runs. */
  runs: number;
  minRuns: number;
  budgetMs: number;
  breakdownTrials: number;
  /** Called with every process started, so the caller can kill it whatever happens. */
  track(process: InspectedProcess): void;
  log(line: string): void;
  /** Called after each run has been verified, with the program (to measure more beside it). */
  afterRun?(program: InspectedProcess, sample: RunSample): Promise<void>;
}

/** V8 LiveEdit alone can take tens of seconds on a large script (see the breakdown). */
const APPLY_TIMEOUT_MS = 600_000;

/** A CDP answer that never comes (the program died, or hangs) must not hang the bench. */
function within<T>(promise: Promise<T>, ms: number, what: string, p: InspectedProcess): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const exited = p.exitCode !== undefined ? ` (the program exited with ${p.exitCode}; stderr: ${p.stderr().slice(-500)})` : '';
      reject(new Error(`no answer to ${what} within ${ms} ms${exited}`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function runPauseCase(c: BenchCase, options: PauseOptions): Promise<CaseResult> {
  const { log } = options;
  const p = await InspectedProcess.start(c.hostFile, c.nodeArgs ? { nodeArgs: c.nodeArgs } : {});
  options.track(p);
  try {
    // A host that builds a large heap first (pauseHeap.bench.ts) takes seconds before it is ready.
    await p.waitForLine(/^ready$/, 0, 180_000);
    const cdp = <T>(what: string, promise: Promise<T>, ms = 120_000) => within(promise, ms, what, p);
    // What js-debug does on attach; the Debugger domain also makes V8 report every script to us.
    await cdp('Runtime.enable', p.send('Runtime.enable'));
    await cdp('Debugger.enable', p.send('Debugger.enable'));

    const buildStarted = performance.now();
    const forward = scriptPatch(c.moduleFile, () => c.versionB, c.versionA);
    const backward = scriptPatch(c.moduleFile, () => c.versionA, c.versionB);
    const patchBuildMs = (performance.now() - buildStarted) / 2;
    log(`  patches built with the server's analysis in ${patchBuildMs.toFixed(0)} ms each`);

    // Each patch names the hash of the text it was computed from: before each run, the program must
    // run that text. (The first query also enables the runtime's own Debugger domain, a one-time
    // cost a real session pays when the server first reads the baseline, not during an apply.)
    const hashes = { A: forward.baseHash, B: backward.baseHash };
    const samples: RunSample[] = [];
    const runsStarted = performance.now();
    let stoppedEarly = false;
    for (let i = 0; i < options.runs; i++) {
      if (i >= options.minRuns && performance.now() - runsStarted > options.budgetMs) {
        stoppedEarly = true;
        log(`  stopping after ${i} runs: the case has used its time budget (${(options.budgetMs / 1000).toFixed(0)} s)`);
        break;
      }
      const toB = i % 2 === 0;
      const expectedHash = toB ? hashes.A : hashes.B;
      const state = await cdp('scriptState', p.scriptState({ file: c.moduleFile, knownHash: expectedHash }));
      if (!state.loaded) throw new Error(`the program has not loaded ${c.moduleFile}`);
      if (state.hash !== expectedHash) {
        throw new Error(
          `run ${i + 1}: the program runs text ${state.hash}, but the patch was computed from ${expectedHash}` +
            (i === 0 ? ' (the runtime and the server disagree on the running text of this file)' : ''),
        );
      }

      const scriptPatchToApply: ScriptPatch = toB ? forward : backward;
      const expression = runtimeCallExpression('apply', JSON.stringify(patchOf(scriptPatchToApply)));
      await cdp('benchMonitor.start', p.evaluate('benchMonitor.start()'));
      const started = performance.now();
      const answer = await cdp('apply', p.send('Runtime.evaluate', { expression, returnByValue: true }), APPLY_TIMEOUT_MS);
      const roundTripMs = performance.now() - started;
      if (answer.exceptionDetails) throw new Error(`apply threw: ${answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text}`);
      let report = JSON.parse(answer.result.value as string) as PatchReport | RuntimeError;
      // The inspector can run the evaluate while the program's own code is on the stack (it
      // interrupts running JavaScript: here the monitor's loop); then the runtime applies at the
      // program's next turn, and the report is asked for as the server asks (applyProgress). The
      // monitor is stopped after it landed, so the stall covers the apply all the same.
      const queued = !isRuntimeError(report) && report.queued !== undefined;
      if (queued) report = await cdp('applyProgress', untilLanded(report, (token) => p.callRuntime('applyProgress', { token })), APPLY_TIMEOUT_MS);
      const stallMs = await cdp('benchMonitor.stop', p.evaluate<number>('benchMonitor.stop()'));
      if (isRuntimeError(report)) throw new Error(`run ${i + 1}: the runtime failed: ${report.error}`);
      if (!report.ok) throw new Error(`run ${i + 1}: the patch was not applied: ${JSON.stringify(report)}`);
      if (report.scripts.some((s) => s.outcome === 'applied' && s.verified === false)) throw new Error(`run ${i + 1}: not verified: ${JSON.stringify(report)}`);
      const probe = await cdp('probe', p.evaluate<unknown>(c.probeExpression));
      if ((probe === 'patched') !== toB) throw new Error(`run ${i + 1}: ${c.functionName} answers ${JSON.stringify(probe)} after the patch`);

      const sample: RunSample = { direction: toB ? 'A→B' : 'B→A', blockedMs: report.blockedMs, stallMs, roundTripMs, ...(queued ? { queued } : {}) };
      samples.push(sample);
      log(`  run ${i + 1}/${options.runs} ${sample.direction}: blocked ${report.blockedMs.toFixed(2)} ms, stall ${stallMs.toFixed(2)} ms, round trip ${roundTripMs.toFixed(2)} ms${queued ? ' (queued to the next turn)' : ''}`);
      await options.afterRun?.(p, sample);
    }

    // Where the time goes: each step of a transaction, timed alone in the program, plus the
    // stall of an `evaluate` as large as the apply's that does nothing. The probe leaves the
    // module edited, so this comes last.
    const trials: Record<string, number>[] = [];
    for (let i = 0; i < options.breakdownTrials; i++) {
      const steps = JSON.parse(
        await cdp('benchProbe.steps', p.evaluate<string>(`benchProbe.steps(${[c.moduleFile, c.edit.from, c.edit.to].map((s) => JSON.stringify(s)).join(', ')})`), APPLY_TIMEOUT_MS),
      ) as Record<string, number>;
      const noop = `void ${JSON.stringify(JSON.stringify(patchOf(forward)))}`;
      await cdp('benchMonitor.start', p.evaluate('benchMonitor.start()'));
      await cdp('no-op evaluate', p.send('Runtime.evaluate', { expression: noop, returnByValue: true }));
      steps['before the runtime: same-size evaluate that does nothing (stall)'] = await cdp('benchMonitor.stop', p.evaluate<number>('benchMonitor.stop()'));
      trials.push(steps);
    }
    const breakdown: Record<string, number> = {};
    const order = (step: string) => ['before', 'in apply', 'for comparison'].findIndex((prefix) => step.startsWith(prefix));
    const steps = Object.keys(trials[0] ?? {}).sort((a, b) => order(a) - order(b));
    for (const step of steps) breakdown[step] = summarize(trials.map((t) => t[step]!)).median;

    return {
      case: c.name,
      description: c.description,
      functionName: c.functionName,
      moduleChars: c.versionA.length,
      targetMs: c.targetMs,
      plannedRuns: options.runs,
      stoppedEarly,
      samples,
      figures: {
        blockedMs: summarize(samples.map((s) => s.blockedMs)),
        stallMs: summarize(samples.map((s) => s.stallMs)),
        roundTripMs: summarize(samples.map((s) => s.roundTripMs)),
      },
      patchBuildMs,
      breakdown,
      breakdownTrials: options.breakdownTrials,
    };
  } finally {
    await p.kill();
  }
}
