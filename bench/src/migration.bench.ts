// Instance migration (issue 6): the pause of an update whose class gains a field while 1,000,000
// instances of it are alive. Each run is one update (the class gains one more field, with an
// initializer): V8's LiveEdit, the heap search for instances (`Runtime.queryObjects`) and the
// default rule applied to every instance, inside the transaction. The figure is the runtime's
// `blockedMs`, the median of at least 5 runs; target ≤ 300 ms. The quick form (`npm test`) keeps
// 20,000 instances.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PATCH_FORMAT_VERSION } from '../../common/patch';
import { InspectedProcess } from '../../test/support/inspectedProcess';
import { serverPatch } from '../../test/support/patches';
import { eventually } from '../../test/support/eventually';
import { MIN_FIGURE_RUNS, type FigureCase, type FigureContext } from './figureCase';
import { ms, summarize, type Summary } from './stats';

export const MIGRATION_TARGET_MS = 300;

export interface MigrationResult {
  instances: number;
  blockedMs: Summary;
  /** The migration step alone, and of it the heap search (`Runtime.queryObjects`). */
  stepMs: Summary;
  searchMs: Summary;
  /** The pause of an update of the same program that changes a method only (no migration): V8's floor. */
  methodOnlyMs: Summary;
  /** `Runtime.queryObjects` for the class's instances alone, asked over CDP of the same heap: V8's other floor. */
  bareSearchMs: Summary;
  /** What the runtime reported migrated in each run (all instances, each time). */
  migrated: number[];
}

const program = (count: number, fields: number, version = 0): string => `class Item {
  id = 0;
  name = '';
${Array.from({ length: fields }, (_, i) => `  extra${i} = ${i};\n`).join('')}  constructor(id) {
    this.id = id;
    this.name = 'item ' + id;
  }
  label() {
    return this.name + ' v${version}';
  }
}
const items = [];
for (let i = 0; i < ${count}; i++) items.push(new Item(i));
globalThis.fixture = { items };
setInterval(() => {}, 1000);
`;

async function runMigration({ dir, runs, quick, track, log }: FigureContext): Promise<MigrationResult> {
  const n = Math.max(runs, MIN_FIGURE_RUNS);
  const instances = quick ? 20_000 : 1_000_000;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'migration-items.js');
  fs.writeFileSync(file, program(instances, 0));
  const p = await InspectedProcess.start(file);
  track(p);
  await eventually('the instances', () => p.evaluate<boolean>('typeof fixture === "object"'), 120_000);
  const pauses: number[] = [];
  const steps: number[] = [];
  const searches: number[] = [];
  const migrated: number[] = [];
  const methodOnly: number[] = [];
  const bareSearches: number[] = [];
  for (let r = 0; r < n; r++) {
    const edit = serverPatch(file, program(instances, r, r), program(instances, r, r + 1));
    const plain = await p.apply({ format: PATCH_FORMAT_VERSION, id: `method-${r}`, scripts: [edit] });
    if (!plain.ok || edit.steps) throw new Error(`the method edit did not apply alone: ${JSON.stringify(plain).slice(0, 500)}`);
    methodOnly.push(plain.blockedMs);
    const patch = serverPatch(file, program(instances, r, r + 1), program(instances, r + 1, r + 1));
    const report = await p.apply({ format: PATCH_FORMAT_VERSION, id: `migration-${r}`, scripts: [patch] });
    const done = report.scripts[0]?.migrated?.[0];
    if (!report.ok || done === undefined) throw new Error(`the migration did not apply: ${JSON.stringify(report).slice(0, 500)}`);
    pauses.push(report.blockedMs);
    steps.push(done.ms);
    searches.push(done.searchMs);
    migrated.push(done.instances);
    bareSearches.push(await bareSearch(p));
  }
  const check = await p.evaluate<number>(`fixture.items[${instances - 1}].extra${n - 1}`);
  if (check !== n - 1) throw new Error(`the last instance was not migrated (extra${n - 1} = ${check})`);
  const blockedMs = summarize(pauses);
  const stepMs = summarize(steps);
  const searchMs = summarize(searches);
  const methodOnlyMs = summarize(methodOnly);
  const bareSearchMs = summarize(bareSearches);
  log(`migration: ${instances.toLocaleString('en')} instances, pause ${ms(blockedMs.median)} (migration ${ms(stepMs.median)}, of it heap search ${ms(searchMs.median)}; a method-only update ${ms(methodOnlyMs.median)}; queryObjects alone ${ms(bareSearchMs.median)}; median of ${n})`);
  return { instances, blockedMs, stepMs, searchMs, methodOnlyMs, bareSearchMs, migrated };
}

/**
 * V8's own cost of the heap search, without the runtime: `Runtime.queryObjects` on the class's
 * prototype over the bench's CDP session, timed as a round trip (the program is idle, so the round
 * trip is the search plus a few milliseconds).
 */
async function bareSearch(p: InspectedProcess): Promise<number> {
  const group = 'bench-bare-search';
  const proto = await p.send<{ result: { objectId: string } }>('Runtime.evaluate', { expression: 'fixture.items[0].constructor.prototype', objectGroup: group });
  const started = performance.now();
  const found = await p.send<{ objects: { description?: string } }>('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId, objectGroup: group });
  const elapsed = performance.now() - started;
  await p.send('Runtime.releaseObjectGroup', { objectGroup: group });
  if (!found.objects.description?.startsWith('Array(')) throw new Error(`queryObjects answered ${JSON.stringify(found).slice(0, 200)}`);
  return elapsed;
}

export const MIGRATION_CASE: FigureCase<MigrationResult> = {
  name: 'migration',
  key: 'migration',
  run: runMigration,
  rows: (r) => [
    [
      'instance migration: pause',
      `${r.instances.toLocaleString('en')} live instances, class gains a field`,
      String(r.blockedMs.runs),
      ms(r.blockedMs.median),
      ms(r.blockedMs.p95),
      `≤ ${MIGRATION_TARGET_MS} ms`,
      r.blockedMs.median <= MIGRATION_TARGET_MS ? 'met' : 'missed',
    ],
    ['instance migration: the migration step', 'heap search + every instance', String(r.stepMs.runs), ms(r.stepMs.median), ms(r.stepMs.p95), '(part of the pause)', ''],
    ['instance migration: heap search', 'Runtime.queryObjects', String(r.searchMs.runs), ms(r.searchMs.median), ms(r.searchMs.p95), '(part of the step)', ''],
    ['instance migration: same heap, method-only update', "V8 LiveEdit's floor, no migration", String(r.methodOnlyMs.runs), ms(r.methodOnlyMs.median), ms(r.methodOnlyMs.p95), '(for comparison)', ''],
    ['instance migration: same heap, queryObjects alone', "V8's heap search floor, over CDP", String(r.bareSearchMs.runs), ms(r.bareSearchMs.median), ms(r.bareSearchMs.p95), '(for comparison)', ''],
  ],
  notes: (r) => [
    `Instance migration: each run an update in which the class gains a field with an initializer; the pause is the runtime's blockedMs (LiveEdit, Runtime.queryObjects, the default rule on ${r.instances.toLocaleString('en')} instances).`,
    `  V8 alone, on the same heap: a method-only update ${ms(r.methodOnlyMs.median)} (LiveEdit walks the heap: any update of this heap pays it) plus queryObjects alone ${ms(r.bareSearchMs.median)} is the least a migrating update can pause; both block the main thread.`,
  ],
};
