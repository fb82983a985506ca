// What the workbench drivers share (the demo's smoke run, the README's screenshots): they run in
// the real extension host as an extension test, say what they observe into the runner's log
// (LIVE_UPDATE_E2E_LOG, which the runner prints), and end every debug session they started.
import * as fs from 'node:fs';
import type { LiveUpdateApi } from '../../client/src/api';
import { DapRecorder, liveUpdateApi, recordReports, stopAll } from './suite/support';

export interface Driver {
  api: LiveUpdateApi;
  dap: DapRecorder;
  reports: ReturnType<typeof recordReports>;
  say(text: string): void;
}

/** Runs `body`, then reports `<label>: 1 passed, 0 failed` or the failure (and rethrows it). */
export async function drive(label: string, body: (driver: Driver) => Promise<void>): Promise<void> {
  const say = (text: string): void => {
    const log = process.env.LIVE_UPDATE_E2E_LOG;
    if (log) fs.appendFileSync(log, text + '\n');
    console.log(text);
  };
  const api = await liveUpdateApi();
  const dap = new DapRecorder();
  const reports = recordReports(api);
  try {
    await body({ api, dap, reports, say });
    say(`${label}: 1 passed, 0 failed`);
  } catch (e) {
    say(`${label}: FAILED: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  } finally {
    await stopAll();
    dap.dispose();
    reports.dispose();
  }
}
