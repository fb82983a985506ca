// Extension-test entry: VS Code (code-server via the workbench payload, or @vscode/test-electron)
// loads this file in the real extension host and calls `run()`. The reporter's output goes to
// the file named by LIVE_UPDATE_E2E_LOG (the driver prints it) as well as the console.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const logFile = process.env.LIVE_UPDATE_E2E_LOG;
  if (logFile) {
    Mocha.reporters.Base.consoleLog = (...args: unknown[]) => fs.appendFileSync(logFile, format(...args) + '\n');
  }
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, reporter: 'spec' });
  // LIVE_UPDATE_E2E_GREP runs only the tests whose title matches (a quick local loop; CI runs all).
  if (process.env.LIVE_UPDATE_E2E_GREP) mocha.grep(process.env.LIVE_UPDATE_E2E_GREP);
  mocha.addFile(path.join(__dirname, 'liveUpdate.test.js'));
  mocha.addFile(path.join(__dirname, 'busy.test.js'));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      // The plain closing line the test driver reads (scripts/test.mjs).
      Mocha.reporters.Base.consoleLog(`e2e: ${stats?.passes ?? 0} passed, ${stats?.failures ?? failures} failed`);
      if (failures > 0) reject(new Error(`${failures} end-to-end tests failed`));
      else resolve();
    });
  });
}
