// Node 24's LiveEdit kills the program when two closures of one function that never ran are
// called after an update (docs/decisions/052; reproduced without Live Update). The runtime
// compiles such closures before each LiveEdit: the update must leave a program that runs them.
// Fails on Node 24 without it (SIGSEGV at `fixture.both()`); Node 20 and 22 pass either way.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fixturePrograms } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { fixture } from '../support/paths';

const file = fixture('uncalled-closures-js', 'main.js');
const programs = fixturePrograms(after);
const edit = () => patchOf(scriptPatch(file, replaceOnce('  return rule;\n', '  return rule + 1;\n')));

describe('runtime: closures that never ran before an update', () => {
  it('runs two closures of a factory after an update made in the runtime', async () => {
    const p = await programs.start(file);
    const report = await p.apply(edit());
    assert.equal(report.ok, true, report.error);
    assert.equal(await p.evaluate('fixture.both()'), 'xaxb');
    assert.equal(await p.evaluate('fixture.label()'), 2);
  });

  it('runs them after an update whose LiveEdit the debugger made', async () => {
    const p = await programs.start(file);
    await p.send('Debugger.enable');
    const report = await p.applyThroughDebugger(edit(), { callsApart: true });
    assert.equal(report.ok, true, report.error);
    assert.equal(await p.evaluate('fixture.both()'), 'xaxb');
    assert.equal(await p.evaluate('fixture.label()'), 2);
  });
});
