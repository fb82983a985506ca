// Which processes are file watchers that restart the program (runtime/src/restarter.ts): the
// editor tells the user to start the program without them.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { restarterOf } from '../../runtime/src/restarter';

test('tells a restarting file watcher from the program it runs', () => {
  assert.equal(restarterOf(['node', '/app/node_modules/tsx/dist/cli.mjs', 'watch', 'src/server.ts'], []), 'tsx watch');
  assert.equal(restarterOf(['node', '/app/node_modules/.bin/tsx', 'watch', 'src/server.ts'], []), 'tsx watch');
  assert.equal(restarterOf(['node', '/app/node_modules/tsx/dist/cli.mjs', 'src/server.ts'], []), undefined, 'tsx without watch runs the program');
  assert.equal(restarterOf(['node', '/app/node_modules/nodemon/bin/nodemon.js', 'src/server.js'], []), 'nodemon');
  assert.equal(restarterOf(['node', '/app/src/server.js'], ['--watch']), process.env.WATCH_REPORT_DEPENDENCIES ? undefined : 'node --watch');
  assert.equal(restarterOf(['node', '/app/src/server.js'], ['--inspect']), undefined);
});
