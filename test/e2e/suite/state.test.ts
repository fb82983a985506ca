// End-to-end: program state across updates in a real VS Code with the real js-debug — new
// top-level declarations used at once, module state kept.
import * as assert from 'node:assert/strict';
import type { UpdateReport } from '../../../client/src/api';
import * as vscode from 'vscode';
import { editAndSave, eventually, launch, liveDiagnostics, liveSuite, workspaceFile } from './support';

describe('Program state across updates in a real VS Code', function () {
  const live = liveSuite();

  const nextReport = (from: number, file: vscode.Uri): Promise<UpdateReport> =>
    eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(from).find((r) => r.file === file.fsPath));

  it('adds a function, a const and an import that changed code uses at once, keeping the count (TypeScript)', async () => {
    const file = workspaceFile('declarations.ts');
    const start = live.dap.output.length;
    await launch(file, 'live declarations.ts');
    const first = Number(/^tick (\d+) v1$/.exec(await live.dap.waitForLine(/^tick \d+ v1$/, start))![1]);

    const reports = live.recorder.reports.length;
    const lines = live.dap.output.length;
    await editAndSave(
      file,
      "function label(): string {\n  return 'v1';\n}",
      "import { basename } from 'node:path';\nconst SUFFIX: string = '!';\n\nfunction shout(n: number): string {\n  return `n=${n}${SUFFIX}`;\n}\n\nfunction label(): string {\n  return shout(counter) + ' ' + basename('/x/v2.txt');\n}",
    );
    const report = await nextReport(reports, file);
    assert.equal(report.outcome, 'applied', report.summary);
    const line = await live.dap.waitForLine(/^tick \d+ n=\d+! v2\.txt$/, lines);
    assert.ok(Number(/^tick (\d+)/.exec(line)![1]) > first, 'the count kept going');
    assert.deepEqual(liveDiagnostics(file).filter((d) => d.severity === vscode.DiagnosticSeverity.Error), []);
  });
});
