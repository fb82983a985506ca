// The body of an extension-test entry's `run()`: VS Code (code-server via the workbench payload,
// or @vscode/test-electron) loads the entry in the real extension host and awaits `run()`. The
// reporter's output goes to the file named by LIVE_UPDATE_E2E_LOG (the driver prints it) and ends
// with the plain line the drivers count: `<label>: N passed, N failed`.
import * as fs from 'node:fs';
import { format } from 'node:util';
import Mocha from 'mocha';

export function runMocha(label: string, files: string[]): Promise<void> {
  const logFile = process.env.LIVE_UPDATE_E2E_LOG;
  if (logFile) {
    Mocha.reporters.Base.consoleLog = (...args: unknown[]) => fs.appendFileSync(logFile, format(...args) + '\n');
  }
  // LIVE_UPDATE_E2E_GREP runs only the tests whose titles match (a quicker loop while developing).
  const grep = process.env.LIVE_UPDATE_E2E_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  for (const file of files) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      Mocha.reporters.Base.consoleLog(`${label}: ${stats?.passes ?? 0} passed, ${stats?.failures ?? failures} failed`);
      if (failures > 0) reject(new Error(`${failures} ${label} tests failed`));
      else resolve();
    });
  });
}
