// End-to-end, issue 21: a TypeScript to-do API in Express style (test/fixtures/e2e-workspace/todos),
// edited while it runs, as a new user tried it. What the editor says stays true and says it one
// way: a fixed error clears the status bar, the CodeLens and the view at once; a state is live,
// waiting or not applied everywhere; a function is called what VS Code's outline calls it
// (`todos.get('/todos/:id') callback`), escaped wherever Markdown draws it; one time format;
// Problems repeats no TypeScript error; the safe Quick Fix comes first; the version diff shows
// TypeScript; the REPL speaks to an editor user.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as vscode from 'vscode';
import type { UpdateReport } from '../../../client/src/api';
import { REPL_TERMINAL_NAME } from '../../../client/src/repl/liveRepl';
import type { ViewSnapshot } from '../../../client/src/view/updatesView';
import { VERSION_SCHEME } from '../../../client/src/view/versionDiff';
import { debugConsoleRows, editorScreen, problemRows, screenAvailable, sideBarViews, statusBarTooltip, statusShows, terminalRows, waitForRow } from './screen';
import { editAllAndSave, editAndSave, eventually, launch, liveSuite, workspaceFile } from './support';

const HANDLER = "todos.get('/todos/:id') callback";
/** A time as the editor's locale writes it (`7:48:01 PM`, `19:48:01`). */
const TIME = /\d{1,2}:\d\d:\d\d(?:\s?[AP]M)?/;
const RUNNING = "res.json({ ...todo, version: 'v1' });";
/** Problems' "Show Active File Only" toggle. */
const TOGGLE_ACTIVE_FILE = 'workbench.actions.workbench.panel.markers.view.toggleActiveFile';

/**
 * Two places wrote the same moment alike: the same format, and the same second within one (the
 * lens has the report's time, the view and the REPL the version's: a few milliseconds apart).
 */
function sameTime(a: string, b: string, where: string): void {
  const shape = (t: string) => t.replace(/\d/g, '0');
  assert.equal(shape(a), shape(b), `${where}: one time format`);
  const seconds = (t: string) => {
    const [h, m, s] = t.match(/\d+/g)!.map(Number) as [number, number, number];
    return ((/PM/.test(t) ? (h % 12) + 12 : /AM/.test(t) ? h % 12 : h) * 60 + m) * 60 + s;
  };
  assert.ok(Math.abs(seconds(a) - seconds(b)) <= 1, `${where}: ${a} vs ${b}`);
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function topFrame(session: vscode.DebugSession, threadId: number): Promise<{ id: number; line: number }> {
  const trace = await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 });
  return trace.stackFrames[0];
}

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('A TypeScript to-do API, edited while it runs (issue 21)', function () {
  this.timeout(240_000);
  const live = liveSuite();
  const file = workspaceFile('todos', 'server.ts');

  let original = '';
  before(async function () {
    if (!screenAvailable()) this.skip();
    original = (await vscode.workspace.openTextDocument(file)).getText();
    // Problems draws only the rows in view: the files other tests opened (and TypeScript's
    // diagnostics of them) must not push this file's rows out of it.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', 'off', vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    if (screenAvailable()) await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', undefined, vscode.ConfigurationTarget.Global);
    for (const t of vscode.window.terminals.filter((t) => t.name === REPL_TERMINAL_NAME)) t.dispose();
  });

  // Each test starts from the file as the fixture has it (the program is stopped by then).
  afterEach(async () => {
    const document = await vscode.workspace.openTextDocument(file);
    if (document.getText() === original) return;
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((e) => e.replace(new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), original));
    await document.save();
  });

  const nextReport = (from: number): Promise<UpdateReport> =>
    eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(from).find((r) => r.file === file.fsPath));

  /** Saves an edit and returns its report. */
  async function save(search: string, replacement: string): Promise<UpdateReport> {
    const from = live.recorder.reports.length;
    await editAndSave(file, search, replacement);
    return nextReport(from);
  }

  /** Live Update's lens titles in the file, by 0-based line. */
  async function lenses(): Promise<Map<number, string>> {
    const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
    return new Map(all.filter((l) => /^\$\((pass|watch|error)\) /.test(l.command?.title ?? '')).map((l) => [l.range.start.line, l.command!.title]));
  }

  const handlerLine = async () => (await vscode.workspace.openTextDocument(file)).getText().split('\n').findIndex((l) => l.startsWith("todos.get('/todos/:id'"));

  /** The Live Updates view as drawn in the side bar (undefined while it draws no row). */
  async function drawnView(): Promise<string[] | undefined> {
    const view = (await sideBarViews()).find((v) => v.title === 'Live Updates');
    return view && view.rows.length > 0 ? view.rows : undefined;
  }

  const snapshot = () => vscode.commands.executeCommand<ViewSnapshot[]>('liveUpdate.view.snapshot');

  async function startApi(): Promise<{ session: vscode.DebugSession; port: number }> {
    await vscode.workspace.openTextDocument(file);
    const start = live.dap.output.length;
    const session = await launch(file, 'Launch API');
    const port = Number(/(\d+)$/.exec(await live.dap.waitForLine(/^todos listening on \d+$/, start))![1]);
    assert.match(await get(port, '/todos/1'), /"version":"v1"/);
    return { session, port };
  }

  it('opens the Live Updates view when the program becomes live, and a fixed error clears the status bar, the CodeLens and the view at once', async () => {
    const { session } = await startApi();
    const name = session.name;
    // Item 8: the view shows the program without the user opening it, its label readable.
    const rows = await eventually('the Live Updates view to draw the program', drawnView);
    assert.ok(rows.some((r) => r.startsWith(name)), rows.join(' | '));

    // Item 3 and 6, a syntax error: not applied, said once in Problems beside TypeScript's own error.
    const broken = await save(RUNNING, "res.json({ ...todo, version: 'v1' +});");
    assert.equal(broken.outcome, 'rejected', broken.summary);
    await statusShows(/^Not applied: syntax error$/);
    const syntax = await eventually('the LU003 diagnostic', () => vscode.languages.getDiagnostics(file).find((d) => d.code === 'LU003'));
    assert.match(syntax.message, /^Not applied: the saved file does not parse \(line \d+: Expression expected\)\. The program keeps running the previous version\.$/);
    assert.doesNotMatch(syntax.message, /\.\)/, 'no "expected.)."');
    await eventually('TypeScript to show its own error', () => vscode.languages.getDiagnostics(file).some((d) => d.source === 'ts' && d.message === 'Expression expected.'));
    assert.equal(vscode.languages.getDiagnostics(file).filter((d) => d.message === 'Expression expected.').length, 1, 'Live Update does not repeat it');
    await eventually('the view to list the refused save', async () => (await drawnView())?.some((r) => /^Not applied: server\.ts — .*syntax error$/.test(r)));

    // Fixed with the first Quick Fix (back to what runs, as written; then saved: nothing to
    // apply): every failure state goes at once.
    const [revert] = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', file, syntax.range, vscode.CodeActionKind.QuickFix.value);
    assert.equal(revert?.title, 'Revert server.ts to the text the program runs');
    assert.ok(await vscode.workspace.applyEdit(revert.edit!));
    const document = await vscode.workspace.openTextDocument(file);
    assert.equal(document.getText(), original, 'the file as written, types and all');
    const from = live.recorder.reports.length;
    await document.save();
    const fixed = await nextReport(from);
    assert.equal(fixed.outcome, 'no-change', fixed.summary);
    await statusShows(/^Live$/);
    await eventually('no LU003', () => !vscode.languages.getDiagnostics(file).some((d) => d.code === 'LU003'));
    await eventually('the view to drop the refused save', async () => !(await drawnView())?.some((r) => r.startsWith('Not applied')));

    // A type error in the handler: not applied, on the handler's lens, one LU007 and no copy of TS2322.
    const line = await handlerLine();
    const typed = await save(RUNNING, "const n: number = 'x';\n  res.json({ ...todo, version: 'v1', n });");
    assert.equal(typed.outcome, 'rejected', typed.summary);
    assert.deepEqual(typed.functions, [HANDLER]);
    await eventually('the lens to say not applied', async () => (await lenses()).get(line) === '$(error) not applied — the edit introduces a type error');
    await statusShows(/^Not applied: the edit introduces a type error$/);
    const lu007 = await eventually('the LU007 diagnostic', () => vscode.languages.getDiagnostics(file).find((d) => d.code === 'LU007'));
    assert.match(lu007.message, /^Not applied: the edit introduces a type error \(line \d+: Type 'string' is not assignable to type 'number'\)/);
    await eventually('TypeScript to show TS2322', () => vscode.languages.getDiagnostics(file).some((d) => d.source === 'ts' && d.code === 2322));
    assert.deepEqual(
      vscode.languages.getDiagnostics(file).filter((d) => d.source === 'Live Update').map((d) => d.code),
      ['LU007'],
      'one diagnostic of its own: what the error means for the update, not the error again',
    );
    // Problems, showing the active file's only: the rows of files other tests left (the suite
    // shares one workspace) must not push this file's rows out of view.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.commands.executeCommand(TOGGLE_ACTIVE_FILE);
    const problems = await eventually('Problems to list the LU007 row', async () => {
      const drawn = await problemRows();
      return drawn?.some((r) => r.startsWith('Not applied: the edit introduces a type error')) ? drawn : undefined;
    }).finally(() => vscode.commands.executeCommand(TOGGLE_ACTIVE_FILE));
    assert.equal(problems.filter((r) => r.startsWith("Type 'string' is not assignable to type 'number'.")).length, 1, problems.join('\n'));
    // Item 11: the first Quick Fix is not the unsafe one.
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', file, lu007.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Apply this update anyway (ignore its type errors)'), titles.join('; '));
    assert.equal(titles[0], 'Revert server.ts to the text the program runs', titles.join('; '));

    // Fixed by a save the program takes: the lens says live, the status bar too, the view drops the refusal.
    const applied = await save("const n: number = 'x';\n  res.json({ ...todo, version: 'v1', n });", "res.json({ ...todo, version: 'v2' });");
    assert.equal(applied.outcome, 'applied', applied.summary);
    await eventually('the lens to say live', async () => /^\$\(pass\) live v1 · /.test((await lenses()).get(line) ?? ''));
    await statusShows(new RegExp(`^Live: ${HANDLER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    await eventually('the view to drop the refusal', async () => !(await drawnView())?.some((r) => r.startsWith('Not applied')));
  });

  it('names the handler as the outline does and writes times one way, in the status bar, its tooltip, Problems, the view, the diff and the REPL', async () => {
    const { session, port } = await startApi();
    const escaped = HANDLER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

    // Applied: the status bar, its tooltip as drawn (the name kept, not read as HTML; an honest duration).
    const applied = await save(RUNNING, "res.json({ ...todo, version: 'v2' });");
    assert.equal(applied.outcome, 'applied', applied.summary);
    assert.deepEqual(applied.functions, [HANDLER]);
    assert.match(await get(port, '/todos/1'), /"version":"v2"/);
    const status = await statusShows(new RegExp(`^Live: ${escaped}$`));
    const tooltip = await statusBarTooltip(status);
    assert.match(tooltip, new RegExp(`Live: ${escaped} in 1 program`), tooltip);
    assert.match(tooltip, new RegExp(`applied and verified in \\d+ ms from the save`), tooltip);
    assert.doesNotMatch(tooltip, /`/, 'no literal backticks');
    const line = await handlerLine();
    const lens = await eventually('the live lens', async () => (await lenses()).get(line));
    const lensTime = new RegExp(`^\\$\\(pass\\) live v1 · (${TIME.source})$`).exec(lens)?.[1];
    assert.ok(lensTime, lens);

    // A refused save says "refused", never "verified".
    const refused = await save("res.json({ ...todo, version: 'v2' });", "res.json({ ...todo, version: 'v2' +});");
    assert.equal(refused.outcome, 'rejected');
    const refusedTip = await statusBarTooltip(await statusShows(/^Not applied/));
    assert.match(refusedTip, /refused in \d+ ms from the save/, refusedTip);
    assert.doesNotMatch(refusedTip, /verified/);
    await save("res.json({ ...todo, version: 'v2' +});", "res.json({ ...todo, version: 'v2' });");

    // The view: the version, its function by the same name, the same time as the lens.
    await vscode.commands.executeCommand('liveUpdate.updates.focus');
    const target = await eventually('the view to show version 1', async () => {
      const node = (await snapshot()).find((n) => n.node.kind === 'target' && n.node.targetId === session.id);
      return node?.description === 'version 1' ? node : undefined;
    });
    const version = target.children.find((c) => c.label === 'Version 1')!;
    assert.deepEqual(version.children.map((c) => c.label), [HANDLER]);
    const viewTime = TIME.exec(version.description ?? '')?.[0];
    assert.ok(viewTime, version.description);
    sameTime(viewTime, lensTime, `the view (${version.description}) and the lens (${lens})`);

    // The diff shows the file as written, TypeScript with its types.
    await vscode.commands.executeCommand(version.command!.command, ...(version.command!.arguments ?? []));
    const tab = await eventually('the diff of version 1', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === VERSION_SCHEME),
    );
    const input = tab.input as vscode.TabInputTextDiff;
    const [before, after] = await Promise.all([input.original, input.modified].map(async (uri) => (await vscode.workspace.openTextDocument(uri)).getText()));
    assert.match(before!, /const items: Todo\[\] = \[/);
    assert.match(before!, /version: 'v1'/);
    assert.equal(after, (await vscode.workspace.openTextDocument(file)).getText(), 'the text after is the file as saved, types and all');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    // The REPL: the same name and the same time in `history`; `status` without a session id; `help` for an editor user.
    await vscode.commands.executeCommand('liveUpdate.openRepl');
    const terminal = await eventually('the REPL terminal', () => vscode.window.terminals.find((t) => t.name === REPL_TERMINAL_NAME));
    await waitForRow(/^live>$/);
    terminal.sendText('history', true);
    const row = await waitForRow(new RegExp(`^ {2}1 {2}\\S.* {2}todos/server\\.ts: ${escaped} \\(current\\)$`));
    sameTime(TIME.exec(row)?.[0] ?? '', lensTime, `the REPL (${row}) and the lens (${lens})`);
    terminal.sendText('status', true);
    const statusRow = await waitForRow(/^server\.ts \[\d+\].*: version 1, /);
    assert.doesNotMatch(statusRow, /[0-9a-f]{8}-[0-9a-f]{4}-/, 'no session UUID');
    terminal.sendText('help', true);
    await waitForRow(/^ {2}quit\s+Close this terminal\. The programs keep running\.$/);
    assert.ok(!(await terminalRows()).some((r) => /live-update run/.test(r)), 'help does not mention the command line');
  });

  /** Stops the API in the handler (at `const todo = …`) with a request in flight; resolves with the stop and the request's answer to come. */
  async function pausedInHandler(session: vscode.DebugSession, port: number) {
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const line = document.getText().split('\n').findIndex((l) => l.includes('const todo = items.find'));
    const stops = live.dap.stopped.length;
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(line, 0)))]);
    // Requests one after another until one stops at the breakpoint (it binds a moment after it is added).
    const stopped = () => live.dap.stopped.slice(stops).find((s) => s.sessionId === session.id);
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const answer = get(port, '/todos/2');
      const outcome = await Promise.race([answer.then(() => 'answered' as const), eventually('a stop', stopped, 5_000).then(() => 'stopped' as const)]);
      if (outcome === 'stopped') return { stop: stopped()!, answer, line, document };
    }
    throw new Error('the program never stopped in the handler');
  }

  it('with whenActive "defer", an edit saved while paused in the handler waits, however long the program stays paused, and lands on Continue', async () => {
    // A short timeout, and a pause three times as long: paused time does not count.
    const settings = vscode.workspace.getConfiguration('liveUpdate');
    await settings.update('whenActive', 'defer', vscode.ConfigurationTarget.Workspace);
    await settings.update('deferTimeoutMs', 8_000, vscode.ConfigurationTarget.Workspace);
    const { session, port } = await startApi();
    const { stop, answer } = await pausedInHandler(session, port);

    const waiting = await save(RUNNING, "res.json({ ...todo, version: 'v2' });");
    assert.equal(waiting.outcome, 'pending', waiting.summary);
    // Waiting, under the same name in the status bar, Problems, the view and the REPL.
    await statusShows(new RegExp(`^Waiting: ${escape(HANDLER)}$`));
    const lu014 = await eventually('the LU014 diagnostic', () => vscode.languages.getDiagnostics(file).find((d) => d.code === 'LU014'));
    assert.match(lu014.message, new RegExp(`^Waiting: \`${escape(HANDLER)}\` is running \\(on the call stack at server\\.ts:\\d+\\)`));
    const target = await eventually('the view to list what waits', async () => (await snapshot()).find((n) => n.node.kind === 'target' && n.children.some((c) => c.label === `Waiting: ${HANDLER}`)));
    assert.ok(target);
    await vscode.commands.executeCommand('liveUpdate.openRepl');
    const terminal = await eventually('the REPL terminal', () => vscode.window.terminals.find((t) => t.name === REPL_TERMINAL_NAME));
    await waitForRow(/^live>$/);
    terminal.sendText('pending', true);
    await waitForRow(new RegExp(`^ {2}p\\d+ {2}todos/server\\.ts: ${escape(HANDLER)} \\(since `));

    const pausedFor = 24_000;
    await new Promise((resolve) => setTimeout(resolve, pausedFor));
    assert.deepEqual(live.api.pending().flatMap((t) => t.pending.flatMap((p) => p.functions)), [HANDLER], 'still waiting after a pause three times its timeout');
    assert.ok(!vscode.languages.getDiagnostics(file).some((d) => d.code === 'LU015'), 'not dropped');

    const from = live.recorder.reports.length;
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await session.customRequest('continue', { threadId: stop.threadId });
    // The paused request finishes on the code it was in (what `defer` means); the update lands then.
    assert.match(await answer, /"version":"v1"/);
    const landed = await eventually('the update to land', () => live.recorder.reports.slice(from).find((r) => r.file === file.fsPath));
    assert.equal(landed.outcome, 'applied', landed.summary);
    assert.match(landed.summary, new RegExp(`^Live: ${escape(HANDLER)} in .*once it was inactive \\(after waiting \\d+(\\.\\d)? s\\)$`));
    assert.match(await get(port, '/todos/1'), /"version":"v2"/);
  });

  it('by default, an edit saved while paused in the handler restarts its frame in the new code: stepping runs it, a breakpoint below added lines stops on its statement', async () => {
    const { session, port } = await startApi();
    const { stop, answer, line, document } = await pausedInHandler(session, port);
    // A breakpoint on `res.json(…)`, two lines below: the edit adds two lines above it.
    const below = line + 2;
    assert.match(document.lineAt(below).text, /res\.json\(\{ \.\.\.todo, version: 'v1' \}\);/);
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(below, 0)))]);
    await eventually('both breakpoints drawn', async () => (await editorScreen()).breakpointGlyphs >= 2);

    // Paused: the breakpoint that stopped it is no longer needed.
    const onLine = (n: number) => vscode.debug.breakpoints.filter((b) => (b as vscode.SourceBreakpoint).location.range.start.line === n);
    vscode.debug.removeBreakpoints(onLine(line));
    const stops = live.dap.stopped.length;
    const from = live.recorder.reports.length;
    const missing = "if (!todo) return res.status(404).json({ error: 'no such todo' });";
    await editAllAndSave(file, [
      [missing, `${missing}\n  const version = 'v2';\n  // two lines added while paused`],
      ["res.json({ ...todo, version: 'v1' });", 'res.json({ ...todo, version });'],
    ]);
    const restarted = await nextReport(from);
    assert.equal(restarted.outcome, 'applied', restarted.summary);
    assert.equal(restarted.targets[0]?.version, 1, 'the restart is version 1 of the program, as any applied update');
    const handler = document.getText().split('\n').findIndex((l) => l.startsWith("todos.get('/todos/:id'"));
    await eventually('the lens to say live v1', async () => /^\$\(pass\) live v1 · /.test((await lenses()).get(handler) ?? ''));
    const note = await eventually('the restart note', () => vscode.languages.getDiagnostics(file).find((d) => d.code === 'LU016'));
    assert.match(note.message, new RegExp(`^\`${escape(HANDLER)}\` was paused; its frame restarted from the beginning in the new code`));
    // Said in the Debug Console, as Java's Hot Code Replace says a frame was dropped.
    await vscode.commands.executeCommand('workbench.debug.action.focusRepl');
    await eventually('the Debug Console to say the frame restarted', async () => (await debugConsoleRows())?.some((r) => r.includes(`Live Update: ${HANDLER} was paused in code you changed: its frame restarted`)));

    // The restarted frame stops at its start; on to the breakpoint below the added lines.
    const restartStop = await eventually('the restarted frame to stop', () => live.dap.stopped.slice(stops).find((s) => s.sessionId === session.id));
    await eventually('the breakpoint below to move with the edit', () => onLine(below + 2).length === 1);
    assert.deepEqual(((await vscode.commands.executeCommand('liveUpdate.breakpointWarnings')) as string[]).filter((m) => m.includes('server.ts')), [], 'no warning: breakpoints are exact');
    let at = live.dap.stopped.length;
    let top = await topFrame(session, restartStop.threadId);
    // js-debug may stop once more on the first breakpoint's statement before it is gone.
    for (let i = 0; i < 3 && top.line - 1 !== below + 2; i++) {
      await session.customRequest('continue', { threadId: restartStop.threadId });
      const next = await eventually('the next stop', () => live.dap.stopped.slice(at).find((s) => s.sessionId === session.id));
      at = live.dap.stopped.length;
      top = await topFrame(session, next.threadId);
    }
    assert.equal(top.line - 1, below + 2, `stopped on the statement the breakpoint was set on (line ${below + 3}), at line ${top.line}`);
    const value = await session.customRequest('evaluate', { expression: 'version', frameId: top.id, context: 'watch' });
    assert.equal(value.result, "'v2'", 'the paused request runs the new code');
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await session.customRequest('continue', { threadId: restartStop.threadId });
    assert.match(await answer, /"version":"v2"/, 'the request that was paused answers from the new code');
    void stop;
  });
});
