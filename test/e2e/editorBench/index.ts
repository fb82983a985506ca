// The extension-host half of the bench's "editor save → live" case (bench/src/editor.bench.ts):
// runs in the real extension host of code-server, with the real js-debug. Launches the bench's
// two-file TypeScript HTTP server with an ordinary `node` launch configuration, then makes N
// saves of a one-function edit of its routes file through the VS Code API. Per save it records,
// on one clock (wall time with sub-millisecond precision, shared with the program):
//   - `save`: just before `document.save()`;
//   - `serves`: the first HTTP response carrying the new code (the driver asks continuously);
//   - `didUpdate`: the extension's `onDidUpdate` for that save;
//   - the program's own longest event-loop stall around the save, and the runtime's blockedMs.
// Writes them as JSON to LIVE_UPDATE_EDITOR_BENCH_OUT; LIVE_UPDATE_EDITOR_BENCH_SAVES saves.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { UpdateReport } from '../../../client/src/api';
import { drive } from '../driver';
import { eventually, launch, workspaceFile } from '../suite/support';
import type { EditorBenchOutput, EditorSample } from './samples';

/** Wall time in milliseconds with the precision of performance.now(), comparable across processes. */
const now = (): number => performance.timeOrigin + performance.now();

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

export function run(): Promise<void> {
  return drive('editor bench', async ({ api, dap, say }) => {
    const out = process.env.LIVE_UPDATE_EDITOR_BENCH_OUT;
    if (!out) throw new Error('LIVE_UPDATE_EDITOR_BENCH_OUT is not set');
    const saves = Number(process.env.LIVE_UPDATE_EDITOR_BENCH_SAVES ?? 10);
    const routes = workspaceFile('routes.ts');

    const launched = now();
    await launch(workspaceFile('server.ts'), 'editor bench');
    const port = Number((await dap.waitForLine(/^listening \d+$/, 0, 60_000)).split(' ')[1]);
    if ((await get(port, '/')) !== 'hello v0') throw new Error('the program does not answer "hello v0"');
    const launchMs = now() - launched;
    say(`editor bench: program serving after ${launchMs.toFixed(0)} ms`);

    const document = await vscode.workspace.openTextDocument(routes);
    const editor = await vscode.window.showTextDocument(document);
    let saveEvent = 0;
    const saved = vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.uri.fsPath === routes.fsPath) saveEvent = now();
    });
    let update: { at: number; report: UpdateReport } | undefined;
    const updated = api.onDidUpdate((report) => {
      if (report.file === routes.fsPath) update = { at: now(), report };
    });
    const samples: EditorSample[] = [];
    try {
      for (let n = 1; n <= saves; n++) {
        const offset = document.getText().indexOf(`'hello v${n - 1}'`);
        if (offset < 0) throw new Error(`'hello v${n - 1}' is not in routes.ts`);
        const range = new vscode.Range(document.positionAt(offset), document.positionAt(offset + `'hello v${n - 1}'`.length));
        if (!(await editor.edit((e) => e.replace(range, `'hello v${n}'`)))) throw new Error('the edit was refused');
        await get(port, '/stall');
        update = undefined;
        const t0 = now();
        // Not awaited: the program may serve the new code before the save's promise settles.
        const saving = document.save();
        let servesAt = 0;
        for (;;) {
          const body = await get(port, '/');
          if (body === `hello v${n}`) {
            servesAt = now();
            break;
          }
          if (body !== `hello v${n - 1}`) throw new Error(`save ${n}: the program answers ${body}`);
          if (now() - t0 > 60_000) throw new Error(`save ${n}: the program did not serve the new code within 60 s`);
        }
        // document.save() answers false in code-server even when it saved: the document's state says.
        await saving;
        await eventually(`routes.ts to be saved (${n})`, () => !document.isDirty, 15_000);
        const done = await eventually(`the update report of save ${n}`, () => update, 30_000);
        if (done.report.outcome !== 'applied') throw new Error(`save ${n}: ${done.report.summary}`);
        const stall = JSON.parse(await get(port, '/stall')) as { maxMs: number };
        const sample: EditorSample = {
          save: n,
          servesMs: servesAt - t0,
          didUpdateMs: done.at - t0,
          serverMs: done.report.milliseconds,
          serverReceivedMs: done.report.time - done.report.milliseconds - t0,
          blockedMs: done.report.targets[0]?.report?.blockedMs ?? NaN,
          editsMs: done.report.targets[0]?.report?.debuggerEditsMs?.reduce((a, b) => a + b, 0) ?? NaN,
          stallMs: stall.maxMs,
          saveEventMs: saveEvent - t0,
        };
        samples.push(sample);
        say(
          `editor bench: save ${n}/${saves}: serves ${sample.servesMs.toFixed(1)} ms, onDidUpdate ${sample.didUpdateMs.toFixed(1)} ms ` +
            `(server ${sample.serverMs} ms from ${sample.serverReceivedMs.toFixed(1)} ms), stall ${sample.stallMs.toFixed(1)} ms, blocked ${sample.blockedMs.toFixed(1)} ms, edits through js-debug ${sample.editsMs.toFixed(1)} ms`,
        );
      }
    } finally {
      saved.dispose();
      updated.dispose();
    }
    const node = dap.output.find((l) => /^node v/.test(l))?.slice(5) ?? 'unknown';
    const result: EditorBenchOutput = { node, launchMs, samples };
    fs.writeFileSync(out, JSON.stringify(result, null, 2));
  });
}
