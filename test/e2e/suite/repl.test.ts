// End-to-end: the Live REPL and Evaluate Selection in a real VS Code with the real js-debug and the
// real language server. The REPL is driven as a person drives it: keystrokes through the terminal
// (`Terminal.sendText` reaches the Pseudoterminal's handleInput), and what it shows is read from the
// screen: xterm's rows as the workbench renders them in the DOM, through the runner's screen
// channel (./screen.ts), not from a transcript the extension keeps.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { editorScreen, rowsMatching, screenAvailable, terminalRows, waitForRow } from './screen';
import { editAndSave, eventually, launch, liveSuite, stopAll, workspaceFile } from './support';

const REPL_NAME = 'Live Update REPL';
const UP = '\x1b[A';

interface InlineState {
  file: string;
  line: number;
  text: string;
  isError: boolean;
}

describe('The Live REPL in a real VS Code', function () {
  const live = liveSuite();
  const file = workspaceFile('repl.js');

  before(async function () {
    if (!screenAvailable()) this.skip();
    // xterm draws its rows as DOM elements only with its DOM renderer; WebGL draws pixels.
    await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', 'off', vscode.ConfigurationTarget.Global);
    // The web workbench (code-server) saves a dirty file after a second by default; these tests
    // keep unsaved text (Apply Now applies it), as a desktop VS Code does.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (!screenAvailable()) return;
    await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
  });

  afterEach(async () => {
    for (const t of vscode.window.terminals.filter((t) => t.name === REPL_NAME)) t.dispose();
    await eventually('the REPL terminal to close', () => !vscode.window.terminals.some((t) => t.name === REPL_NAME));
  });

  /** Starts repl.js; resolves with the pattern of its target's name (as the REPL lists it). */
  async function startProgram(): Promise<RegExp> {
    const start = live.dap.output.length;
    const session = await launch(file, 'live repl.js');
    await live.dap.waitForLine(/^repl hello \d+$/, start);
    const name = live.api.targets().find((t) => t.id === session.id)!.name;
    return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`);
  }

  async function openRepl(): Promise<vscode.Terminal> {
    await vscode.commands.executeCommand('liveUpdate.openRepl');
    const terminal = await eventually('the REPL terminal', () => vscode.window.terminals.find((t) => t.name === REPL_NAME));
    await waitForRow(/^live>$/);
    return terminal;
  }

  /** Types a line and Enter; waits for the answer's row. */
  async function enter(terminal: vscode.Terminal, line: string, answer: RegExp): Promise<string> {
    terminal.sendText(line, true);
    return waitForRow(answer);
  }

  it('lists the program, reads module state and assigns it, and the program uses the new value', async () => {
    const target = await startProgram();
    const terminal = await openRepl();
    await enter(terminal, 'status', /^1 program running$/);
    await waitForRow(target);
    await enter(terminal, 'eval repl.js greeting', /^'hello'$/);
    const lines = live.dap.output.length;
    await enter(terminal, "eval repl.js greeting = 'bonjour'", /^'bonjour'$/);
    await live.dap.waitForLine(/^repl bonjour \d+$/, lines);
    // The prompt is back, empty, on the last row written (rows are read with trailing blanks trimmed).
    await eventually('an empty prompt on the last row', async () => (await terminalRows()).filter(Boolean).at(-1) === 'live>');
  });

  it('prints an update applied while a line is being typed above the prompt, and keeps the typed text', async () => {
    await startProgram();
    const terminal = await openRepl();
    terminal.sendText('eval repl.js gree', false);
    await waitForRow(/^live> eval repl\.js gree$/);
    const lines = live.dap.output.length;
    await editAndSave(file, '`${greeting} ${count}`', '`${greeting}! ${count}`');
    try {
      await live.dap.waitForLine(/^repl hello! \d+$/, lines);
      const notice = await waitForRow(/^repl\.js: /);
      await eventually('the notice above the prompt, the typed text kept on it', async () => {
        const rows = (await terminalRows()).filter(Boolean);
        return rows.at(-1) === 'live> eval repl.js gree' && rows.at(-2) === notice && rows.filter((r) => r.startsWith('live> eval')).length === 1;
      });
      // The line goes on where it was.
      await enter(terminal, 'ting', /^'hello'$/);
    } finally {
      // The other tests expect the file as it was.
      await editAndSave(file, '`${greeting}! ${count}`', '`${greeting} ${count}`');
    }
  });

  // The server hears of a document's text only at open and save; the REPL sends the editors'
  // unsaved texts with each command (`ReplCommand.unsaved`), so Apply Now applies what is shown.
  it("Apply Now applies the editor's unsaved text and the REPL shows it", async () => {
    await startProgram();
    const document = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(document);
    const [before, after] = ['`${greeting} ${count}`', '`${greeting}? ${count}`'];
    const offset = document.getText().indexOf(before);
    assert.ok(offset >= 0);
    assert.ok(await editor.edit((e) => e.replace(new vscode.Range(document.positionAt(offset), document.positionAt(offset + before.length)), after)), 'the edit');
    try {
      assert.equal(document.isDirty, true, 'the edit makes the document dirty');
      const lines = live.dap.output.length;
      await vscode.commands.executeCommand('liveUpdate.applyNow');
      await live.dap.waitForLine(/^repl hello\? \d+$/, lines);
      assert.equal(document.isDirty, true, 'Apply Now does not save the file');
      await waitForRow(/^live> update \S*repl\.js$/);
    } finally {
      // The other tests expect the file as it was, on disk and in the editor.
      if (document.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
      if (document.getText().includes(after)) await editAndSave(file, after, before);
    }
  });

  it('suggests the nearest command for a mistyped one', async () => {
    const terminal = await openRepl();
    // An answer row (not the echo of the typed line) that names `status`.
    await enter(terminal, 'statsu', /^(?!live>).*\bstatus\b/);
  });

  it('recalls history with the up arrow, also in a new REPL, and completes a command with Tab', async () => {
    const target = await startProgram();
    let terminal = await openRepl();
    await enter(terminal, 'eval repl.js count > 0', /^true$/);
    terminal.sendText(UP, false);
    await waitForRow(/^live> eval repl\.js count > 0$/);
    terminal.sendText('', true);
    await eventually('a second answer', async () => (await rowsMatching(/^true$/)).length === 2);

    // History is kept across REPL sessions.
    terminal.dispose();
    await eventually('the REPL terminal to close', () => !vscode.window.terminals.includes(terminal));
    terminal = await openRepl();
    terminal.sendText(UP, false);
    await waitForRow(/^live> eval repl\.js count > 0$/);
    // Ctrl+U clears the recalled line, as in a shell.
    terminal.sendText('\x15', false);
    await waitForRow(/^live>$/);

    terminal.sendText('stat', false);
    await waitForRow(/^live> stat$/);
    terminal.sendText('\t', false);
    await waitForRow(/^live> status$/);
    terminal.sendText('', true);
    await waitForRow(target);
  });

  it('Evaluate Selection shows the value after the selection and in the REPL; an error in the error colour; no program: says so', async () => {
    await startProgram();
    const document = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(document);
    const select = (text: string) => {
      const offset = document.getText().indexOf(text);
      assert.ok(offset >= 0, text);
      editor.selection = new vscode.Selection(document.positionAt(offset), document.positionAt(offset + text.length));
    };

    select('greeting.toUpperCase()');
    const shown = await vscode.commands.executeCommand<InlineState>('liveUpdate.evaluateSelection');
    assert.deepEqual([shown.text, shown.isError], ["= 'HELLO'", false]);
    await eventually('the value drawn after the selection', async () => (await editorScreen()).after.some((a) => a.includes("= 'HELLO'")));
    // The REPL opened without taking the focus, and shows the same evaluation.
    await waitForRow(/^live> eval repl\.js greeting\.toUpperCase\(\)$/);
    await waitForRow(/^'HELLO'$/);
    assert.equal(vscode.window.activeTextEditor?.document, document, 'the editor keeps the focus');

    select('notDefined.length');
    const error = await vscode.commands.executeCommand<InlineState>('liveUpdate.evaluateSelection');
    assert.equal(error.isError, true);
    assert.match(error.text, /notDefined is not defined/);
    await eventually('the error drawn after the selection', async () => {
      const after = (await editorScreen()).after;
      return after.some((a) => /notDefined is not defined/.test(a)) && !after.some((a) => a.includes('HELLO'));
    });

    // An edit clears it: the text it answered for is gone.
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), ' '));
    await eventually('the inline answer to clear', async () => !(await editorScreen()).after.some((a) => /notDefined/.test(a)));
    await vscode.commands.executeCommand('undo');

    await stopAll();
    select('greeting.toUpperCase()');
    const none = await vscode.commands.executeCommand<InlineState>('liveUpdate.evaluateSelection');
    assert.equal(none.isError, true);
    assert.match(none.text, /no running program/i);
  });

  it('binds Evaluate Selection to a key no default binding of VS Code uses', async () => {
    await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
    const text = await eventually('the default keybindings', () => {
      const d = vscode.window.activeTextEditor?.document;
      return d && /"key":/.test(d.getText()) ? d.getText() : undefined;
    });
    const commandsOf = (key: string) => [...text.matchAll(new RegExp(`"key": "${key.replace(/\+/g, '\\+')}",\\s*"command": "([^"]+)"`, 'g'))].map((m) => m[1]);
    // The reading works: VS Code's own Show Explorer is found where it is.
    assert.ok(commandsOf('ctrl+shift+e').includes('workbench.view.explorer'));
    assert.deepEqual(commandsOf('ctrl+alt+e').filter((c) => c !== 'liveUpdate.evaluateSelection'), []);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
