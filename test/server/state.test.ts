// State in an update over real LSP (issue 6): a state transformer runs and says so on its line; a
// transformer that throws undoes the update and the error is on the transformer's line with the
// exception; a class that gains a field has its instances migrated, and the diagnostic says how many.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { CodeActionRequest, ExecuteCommandRequest, type CodeAction } from 'vscode-languageserver-protocol';
import { DiagnosticCodes, ServerCommands } from '../../common/protocol';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient } from '../support/languageServer';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-state-lsp-'));
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(cleanups.map((c) => c()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const program = `let sessions = new Map();
class Session {
  constructor(user) {
    this.user = user;
  }
  greet() {
    return 'hi ' + this.user;
  }
}
function login(id, user) {
  sessions.set(id, user);
}
function show(id) {
  return String(sessions.get(id));
}
const all = [new Session('ann'), new Session('bob')];
login('a', 'ann');
globalThis.fixture = { show, all, sessions: () => sessions };
setInterval(() => {}, 1000);
`;

const transformer = (body: string) => `let sessions = new Map(); // id → { user }
void function transform$sessions(old) {
  return new Map([...old].map(([id, user]) => [id, ${body}]));
};
`;

const withObjects = (body: string) =>
  program
    .replace('let sessions = new Map();\n', transformer(body))
    .replace('sessions.set(id, user);', 'sessions.set(id, { user });')
    .replace('return String(sessions.get(id));', "return sessions.get(id)?.user ?? 'none';");

async function session(name: string): Promise<{ file: string; debuggee: InspectedProcess; client: LanguageServerClient }> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, program);
  const debuggee = await InspectedProcess.start(file);
  cleanups.push(() => debuggee.kill());
  await eventually('the fixture', () => debuggee.evaluate<boolean>('typeof fixture === "object"'));
  const { client } = await LanguageServerClient.start();
  cleanups.push(() => client.stop());
  await client.setTargets([{ id: 't1', name: `${name} [test]`, process: debuggee }]);
  return { file, debuggee, client };
}

function shown(client: LanguageServerClient, file: string) {
  const uri = pathToFileURL(file).href;
  return client.diagnostics.filter((d) => d.uri === uri).at(-1)?.diagnostics ?? [];
}

describe('language server: state transformers and instance migration', { timeout: 60_000 }, () => {
  it('runs a state transformer and says so on its line, instead of "state kept"', async () => {
    const { file, debuggee, client } = await session('transform.js');
    await client.save(file, withObjects('{ user }'));
    const update = await client.nextUpdate(0);
    assert.equal(update.outcome, 'applied', JSON.stringify(update));
    assert.equal(await debuggee.evaluate('fixture.show("a")'), 'ann');
    await client.settle();
    const diagnostics = shown(client, file);
    const ran = diagnostics.find((d) => d.message.includes('transform$sessions'));
    assert.equal(ran?.range.start.line, 1);
    assert.match(ran!.message, /`sessions` was converted in the running program by `transform\$sessions`/);
    assert.equal(diagnostics.filter((d) => /keeps its current value/.test(d.message)).length, 0, JSON.stringify(diagnostics));
  });

  it('a transformer that throws: not applied, the error on the transformer’s line with the exception', async () => {
    const { file, debuggee, client } = await session('throws.js');
    await client.save(file, withObjects('{ user: user.first.trim() }'));
    const update = await client.nextUpdate(0);
    assert.equal(update.outcome, 'rejected');
    await client.settle();
    const error = shown(client, file).find((d) => d.code === DiagnosticCodes.updateRejected);
    assert.equal(error?.range.start.line, 1, JSON.stringify(shown(client, file)));
    assert.match(error!.message, /^Not applied: The state transformer `transform\$sessions` threw TypeError: Cannot read properties of undefined \(reading 'trim'\)\. The whole update was undone/);
    assert.equal(await debuggee.evaluate('fixture.show("a")'), 'ann', 'old code');
    assert.equal(await debuggee.evaluate('typeof fixture.sessions().get("a")'), 'string', 'old state');
  });

  it('migrates the instances of a class that gains a field, and says how many', async () => {
    const { file, debuggee, client } = await session('migrate.js');
    await client.save(file, program.replace('    this.user = user;\n', '    this.user = user;\n    this.visits = 0;\n'));
    const update = await client.nextUpdate(0);
    assert.equal(update.outcome, 'applied', JSON.stringify(update));
    assert.deepEqual(await debuggee.evaluate('fixture.all.map((s) => s.visits)'), [0, 0]);
    await client.settle();
    const migrated = shown(client, file).filter((d) => d.code === DiagnosticCodes.instancesNotMigrated);
    assert.deepEqual(
      migrated.map((d) => [d.range.start.line, d.message]),
      [[1, '2 existing instances of `Session` were migrated (added `visits`).']],
    );
  });

  it('re-initializes a binding from its new initializer on request (Quick Fix on LU009), in one transaction', async () => {
    const { file, debuggee, client } = await session('reinit.js');
    await client.save(file, program.replace('let sessions = new Map();', "let sessions = new Map([['seed', 'sid']]);"));
    assert.equal((await client.nextUpdate(0)).outcome, 'applied');
    await client.settle();
    assert.equal(await debuggee.evaluate('fixture.show("seed")'), 'undefined', 'kept');
    const diagnostics = shown(client, file).filter((d) => d.code === DiagnosticCodes.topLevelKept);
    assert.match(diagnostics[0]?.message ?? '', /^`sessions` .*keeps its current value.* write `void function transform\$sessions\(old\) \{ return … \};` next to it/);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: pathToFileURL(file).href },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    })) as CodeAction[];
    const reinit = actions.find((a) => a.command?.command === ServerCommands.reinitialize);
    assert.equal(reinit?.title, 'Re-initialize `sessions` from its new initializer (in one transaction)', JSON.stringify(actions));
    await client.connection.sendRequest(ExecuteCommandRequest.type, reinit!.command!);
    assert.equal(await debuggee.evaluate('fixture.show("seed")'), 'sid');
    assert.equal(await debuggee.evaluate('fixture.show("a")'), 'undefined', 'a new Map: what the program had is gone, as asked');
  });
});
