// A program saved from v1 to v2 through the update engine, compared with a fresh start of v2: the
// check behind the shape tests of issue 20 (test/runtime/shapes.test.ts). The program is a folder
// of CommonJS files whose `main.js` prints `ready` once loaded; `probe` is an expression evaluated
// in the live program after the saves and in a fresh Node process at v2.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { UpdateReport } from '../../common/reports';
import type { LiveDiagnostic } from '../../server/src/core/diagnostics';
import { UpdateEngine } from '../../server/src/core/updateEngine';
import { InspectedPort } from './inspectedPort';
import { InspectedProcess, testNode } from './inspectedProcess';

export interface LiveOutcome {
  /** What the live program answers after the saves. */
  live: unknown;
  /** What a fresh start of v2 answers. */
  fresh: unknown;
  /** Each save's report and diagnostics, in order. */
  saves: { file: string; report: UpdateReport; diagnostics: LiveDiagnostic[] }[];
}

const READY = `\nsetInterval(() => {}, 1000);\nconsole.log('ready');\n`;

/**
 * Runs `v1` (file → text; `main.js` is the entry, which gets the keep-alive and `ready` line
 * appended) under the runtime, saves each file of `v2` that differs (in the order given), and
 * evaluates `probe` (JSON-serializable) there and in a fresh Node process running v2.
 */
/** The probe's value, or what it threw (a program that throws where a fresh start answers is the finding). */
function guarded(probe: string): string {
  return `(() => { try { return (${probe}); } catch (e) { return 'throws ' + (e && e.name) + ': ' + (e && e.message); } })()`;
}

export async function freshOrLive(v1: Record<string, string>, v2: Record<string, string> | Record<string, string>[], probe: string): Promise<LiveOutcome> {
  // Several saves one after another: the last version is what a fresh start runs.
  const versions = Array.isArray(v2) ? v2 : [v2];
  const last = Object.assign({}, ...versions) as Record<string, string>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lu-shape-'));
  const write = (files: Record<string, string>, root: string) => {
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), '{ "type": "commonjs" }\n');
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), file === 'main.js' ? text + READY : text);
    }
  };
  let p: InspectedProcess | undefined;
  let engine: UpdateEngine | undefined;
  try {
    write({ ...v1, ...Object.fromEntries(Object.entries(last).filter(([f]) => !(f in v1))) }, path.join(dir, 'live'));
    write({ ...v1, ...last }, path.join(dir, 'fresh'));
    const freshOut = execFileSync(testNode(), ['-e', `require('./main.js'); process.stdout.write(JSON.stringify(${guarded(probe)})); process.exit(0)`], {
      cwd: path.join(dir, 'fresh'),
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const fresh = JSON.parse(freshOut.slice(freshOut.lastIndexOf('\n') + 1)) as unknown;
    p = await InspectedProcess.start(path.join(dir, 'live', 'main.js'), { cwd: path.join(dir, 'live') });
    await p.waitForLine(/^ready/);
    engine = new UpdateEngine(new InspectedPort([{ id: 't', name: 'shape', process: p }]));
    const saves: LiveOutcome['saves'] = [];
    const current = { ...v1 };
    for (const version of versions) {
      for (const [file, text] of Object.entries(version)) {
        if (current[file] === text) continue;
        current[file] = text;
        const full = path.join(dir, 'live', file);
        const saved = file === 'main.js' ? text + READY : text;
        fs.writeFileSync(full, saved);
        const outcome = await engine.onSave(full, saved);
        saves.push({ file, report: outcome.report, diagnostics: outcome.diagnostics });
      }
    }
    const live = JSON.parse(await p.evaluate<string>(`JSON.stringify(${guarded(probe)})`)) as unknown;
    return { live, fresh, saves };
  } finally {
    engine?.forgetTarget('t');
    await p?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
