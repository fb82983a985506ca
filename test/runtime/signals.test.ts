// The runtime's signals (runtime/src/signals.ts): a debugger that listens hears that pending
// updates changed, through a CDP binding the program never sees.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { eventually } from '../support/eventually';
import { fixturePrograms } from '../support/inspectedProcess';
import { patchOf, serverPatch } from '../support/patches';
import { fixture } from '../support/paths';

const programs = fixturePrograms(after);
const file = fixture('async-js', 'main.js');
const source = fs.readFileSync(file, 'utf8');

describe('runtime: signals to a listening debugger', () => {
  it('signals when a pending update lands, through a binding neither the program nor its vm contexts see', async () => {
    const p = await programs.start(file);
    const bindings: string[] = [];
    p.on('Runtime.bindingCalled', ({ name }: { name: string }) => bindings.push(name));
    // A vm context the program made earlier: V8 gives a binding to every context it is meant for.
    await p.ask('evaluate', { file, expression: 'fixture.context = require("node:vm").createContext({})' });
    let signals = 0;
    assert.equal(await p.runtimeConnection.listen(() => signals++), true);
    const globals = await p.evaluate<string[]>('Object.getOwnPropertyNames(globalThis).filter((n) => n.startsWith("liveUpdate"))');
    assert.deepEqual(globals, [], 'no binding left on the global object');
    const inVm = await p.ask('evaluate', { file, expression: 'require("node:vm").runInContext("Object.getOwnPropertyNames(globalThis).filter((n) => n.startsWith(\'liveUpdate\')).length", fixture.context)' });
    assert.deepEqual(inVm, { ok: true, value: '0' }, 'none in a vm context');

    // `waiter` is suspended at an await: its update waits, and lands once it returned.
    const report = await p.apply({ ...patchOf(serverPatch(file, source, source.replace("return 'waited';", "return 'signalled';"))), whenActive: 'defer' });
    assert.equal(report.scripts[0]?.outcome, 'pending', JSON.stringify(report));
    assert.equal(signals, 0, 'deferring is in the report, not a signal');
    await p.evaluate('fixture.release()');
    await eventually('the signal that it landed', () => signals > 0);
    assert.ok((await p.pending()).events.some((e) => e.outcome === 'applied'), 'a signal means news');
    assert.ok(bindings.length > 0 && bindings.every((b) => /^liveUpdate\$[0-9a-f]{16}$/.test(b)), bindings.join());
  });

  it('refuses a binding the caller did not add', async () => {
    const p = await programs.start(file);
    const answer = await p.callRuntime('listen', { binding: 'noSuchBinding' });
    assert.ok('error' in answer && /no binding noSuchBinding/.test(answer.error), JSON.stringify(answer));
  });
});
