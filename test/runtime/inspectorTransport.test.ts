// What goes over a WebSocket into a program's inspector. Node's inspector server (Node 20, 22 and
// 24 alike) kills the program when one of its 64 KiB reads cuts a frame within the frame's last
// few bytes (nodejs/node#64618): two valid commands of 65,270 and 268 bytes written together end
// it with `munmap_chunk(): invalid pointer` or SIGSEGV every time (docs/decisions/051). The house
// keeps clear of it: a runtime call's long argument travels in pieces, a connection holds back
// commands while what it sent is unread and would fill a read, and a command longer than a read
// ends away from a read's edge.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { WebSocketServer } from 'ws';
import { CdpConnection, clearOfReadEdges } from '../../common/cdpConnection';
import type { EvaluateResult } from '../../common/patch';
import { ARGUMENT_PIECE_CHARS, argumentPieces, runtimeCallExpressions } from '../../common/runtimeApi';
import { RuntimeCaller } from '../../common/runtimeCall';
import { InspectedProcess } from '../support/inspectedProcess';

const processes: InspectedProcess[] = [];
after(() => Promise.all(processes.map((p) => p.kill())));

async function program(): Promise<{ p: InspectedProcess; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lu-transport-'));
  const file = path.join(dir, 'main.js');
  fs.writeFileSync(file, "let seen = 0;\nsetInterval(() => seen++, 1000);\nconsole.log('ready');\n");
  const p = await InspectedProcess.start(file);
  processes.push(p);
  await p.waitForLine(/^ready/);
  return { p, file };
}

/** A text three pieces long whose cuts would fall inside surrogate pairs (emoji) if cut blindly. */
const LONG = 'a' + '😀'.repeat(ARGUMENT_PIECE_CHARS + 10) + 'z';

describe('inspector transport', () => {
  it('cuts a long argument into pieces under one read, never inside a character', () => {
    const json = JSON.stringify({ expression: LONG });
    const pieces = argumentPieces(json);
    assert.ok(pieces.length >= 3, `${pieces.length} pieces`);
    assert.equal(pieces.join(''), json);
    for (const piece of pieces) {
      assert.ok(piece.length <= ARGUMENT_PIECE_CHARS);
      assert.ok(Buffer.byteLength(piece) < 60 * 1024);
      assert.ok(!/[\uD800-\uDBFF]$/.test(piece) && !/^[\uDC00-\uDFFF]/.test(piece), 'a piece ends or starts inside a surrogate pair');
    }
    assert.deepEqual(argumentPieces('{}'), ['{}']);
  });

  it('calls the runtime with an argument longer than one read, in pieces, and it arrives whole', async () => {
    const { p, file } = await program();
    const sent: number[] = [];
    const caller = new RuntimeCaller({
      send: (method, params) => {
        sent.push(Buffer.byteLength(JSON.stringify({ id: 1, method, params })));
        return p.send(method, params);
      },
    });
    const answer = JSON.parse(await caller.call('evaluate', JSON.stringify({ file, expression: `${JSON.stringify(LONG)}.length + seen * 0` }))) as EvaluateResult;
    assert.deepEqual(answer, { ok: true, value: String(LONG.length) });
    assert.ok(sent.length >= 4, `${sent.length} commands: the pieces, then the call`);
    assert.ok(Math.max(...sent) < 60 * 1024, `a command of ${Math.max(...sent)} bytes`);
  });

  it('calls the runtime through `evaluate` expressions in pieces as well', async () => {
    const { p, file } = await program();
    const expressions = runtimeCallExpressions('evaluate', JSON.stringify({ file, expression: `${JSON.stringify(LONG)}.length` }), 'test.1');
    assert.ok(expressions.length >= 3);
    let answer: string | undefined;
    for (const expression of expressions) {
      assert.ok(Buffer.byteLength(expression) < 60 * 1024);
      answer = await p.evaluate<string>(expression);
    }
    assert.deepEqual(JSON.parse(answer!), { ok: true, value: String(LONG.length) });
  });

  it('holds a command back while what the connection sent is unread and would fill a read', async () => {
    // A WebSocket server standing for an inspector that is slow to read: it answers the first
    // command late, and notes what else had arrived by then.
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const arrivedBeforeFirstAnswer: number[] = [];
    server.on('connection', (socket) => {
      const arrived: number[] = [];
      socket.on('message', (data) => {
        const { id } = JSON.parse(String(data)) as { id: number };
        arrived.push(id);
        if (id === 1) {
          setTimeout(() => {
            arrivedBeforeFirstAnswer.push(...arrived);
            socket.send(JSON.stringify({ id, result: {} }));
          }, 100);
        } else socket.send(JSON.stringify({ id, result: {} }));
      });
    });
    const port = (server.address() as { port: number }).port;
    const cdp = await CdpConnection.open(`ws://127.0.0.1:${port}/`);
    try {
      const big = 'x'.repeat(50 * 1024);
      // 50 KB then 20 KB: together more than a read, so the second waits for the first's answer;
      // two small ones after it fit beside each other.
      await Promise.all([cdp.send('Runtime.evaluate', { expression: big }), cdp.send('Runtime.evaluate', { expression: big.slice(0, 20 * 1024) }), cdp.send('Runtime.evaluate', { expression: '1' })]);
      assert.deepEqual(arrivedBeforeFirstAnswer, [1]);
      const small = await Promise.all([1, 2, 3].map((n) => cdp.send('Runtime.evaluate', { expression: String(n) })));
      assert.equal(small.length, 3);
    } finally {
      cdp.close();
      server.close();
    }
  });

  it('moves the end of a command longer than a read away from the edges of the reads', () => {
    const READ = 64 * 1024;
    for (let end = 1; end <= 14; end++) {
      const of = (n: number) => `{"id":1,"method":"Debugger.setScriptSource","params":{"scriptSource":"${'x'.repeat(n)}"}}`;
      const text = of(READ + end - 14 - of(0).length);
      const frame = Buffer.byteLength(text) + 14;
      assert.equal(frame % READ, end);
      const padded = clearOfReadEdges(text);
      const paddedFrame = Buffer.byteLength(padded) + 14;
      assert.ok(paddedFrame % READ > 14, `a frame of ${frame} bytes became ${paddedFrame}`);
      assert.deepEqual(JSON.parse(padded), JSON.parse(text));
    }
    const short = '{"id":1}';
    assert.equal(clearOfReadEdges(short), short);
  });
});
