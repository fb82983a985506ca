// What to change in a launch Live Update cannot keep live: a file watcher (`tsx watch`, nodemon,
// `node --watch`) restarts the program at every change, so each save would restart it and lose its
// state before an update could apply. The runtime in the watcher's own process says which it is
// (RuntimeInfo.restarter); the user is told once per watcher and window.
import * as vscode from 'vscode';
import { notify } from './notify';

const told = new Set<string>();
/** The advice shown, oldest first (the hidden command `liveUpdate.launchAdvice`, for the tests). */
export const adviceShown: string[] = [];

/** The same launch without the watcher, as the user would write it. */
const WITHOUT: Record<string, string> = {
  'tsx watch': '`tsx src/server.ts` instead of `tsx watch src/server.ts`',
  nodemon: '`node` (or `tsx`) instead of `nodemon`',
  'node --watch': '`node` without `--watch`',
  'ts-node-dev': '`ts-node` (or `tsx`) instead of `ts-node-dev`',
};

export function warnRestarter(restarter: string): void {
  if (told.has(restarter)) return;
  told.add(restarter);
  const instead = WITHOUT[restarter] ?? `the program without ${restarter}`;
  const message = `Live Update: ${restarter} restarts this program whenever a file changes, so each save restarts it (and its state is lost) instead of updating it. Start it with ${instead} in your dev script or launch configuration: Live Update then applies each save to the running program.`;
  adviceShown.push(message);
  void notify(
    'warning',
    message,
    {
      'Open package.json': async () => {
        const [manifest] = await vscode.workspace.findFiles('package.json', '**/node_modules/**', 1);
        if (manifest) await vscode.window.showTextDocument(manifest);
      },
      'Open launch.json': () => vscode.commands.executeCommand('workbench.action.debug.configure'),
    },
  );
}
