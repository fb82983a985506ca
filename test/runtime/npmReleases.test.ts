// The npm replay of issues 6 and 20 (see test/support/npmReleases.ts): real releases of CommonJS
// libraries loaded at release N and saved as N+1 through the update engine must answer a corpus of
// calls exactly as a fresh N+1, or the engine must have said they do not (an update reported
// `partial` or not applied, or a warning on what still runs old). Never silent: an update
// reported `applied` after which the program answers otherwise is a lie to the user.
//
// `npm test` runs a reduced set: the last two pairs of each library and one pair of each shape
// that today's engine gets wrong (SHAPES). It pins today's verdicts of the pairs that are not
// correct (KNOWN), so that any change shows: a pair that gets worse, or better (then it comes off
// the list). `npm run test:npm-releases` (LIVE_UPDATE_NPM_RELEASES=all) runs every pair, prints
// the table (per library: pairs, correct, honest partial, silent) and requires issue 20's bar:
// 95% correct and none silent. LIVE_UPDATE_NPM_RELEASES=<name,name@version> runs every pair of
// those libraries (or the one pair from that release) and prints their table.
// LIVE_UPDATE_NPM_DETAILS=1 adds each save's warnings and notes to the table.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { testNode } from '../support/inspectedProcess';
import { allPairs, describeFigure, lastPairs, packages, pairName, percent, runPairs, type Verdict } from '../support/npmReleases';

const mode = process.env.LIVE_UPDATE_NPM_RELEASES;
const full = mode === 'all';
const only = mode && mode !== 'all' ? mode.split(',') : undefined;

/** One pair of each shape today's engine answers wrongly (`name@from` names the pair from that release). */
const SHAPES = [
  'ms@0.1.0', // an IIFE that exported `ms` became `module.exports = function`
  'ms@0.7.1', // V8 left `module.exports` on its old code (LU006; now correct: its new body goes in first, under its old head)
  'bytes@1.0.0', // `module.exports = function …` became `module.exports = bytes` (now correct: the function importers hold forwards to it)
  'cookie@0.7.2', // functions moved past others: V8 left them on their old code (LU006)
  'marked@0.3.3', // a prototype method added inside an IIFE wrapper (now correct: tables naming `noop`, declared below them, and built with the module's own `replace` and `merge` run again)
  'marked@0.3.15', // a regex table inside an IIFE wrapper, and tables merged from it at load (now correct: `merge({}, …)` into a fresh literal is pure)
  'semver@5.7.1', // a regex table built by a counter (`R++`) and a compile loop (now correct: the loop's `debug(…)` and `makeSafeRe(…)` are pure calls)
  'semver@6.3.2', // the entry moved (package.json `main`): the manifest's save says to restart
  'semver@7.6.2', // a getter added to a class that existing code relies on (now added to the running class)
  'qs@6.2.6', // the same name added by two modules (the same value: shared), an options object built at load (now correct)
  'qs@6.6.0', // an options object built at load, read with a new member (now correct: it reads a required module's exports)
  'diff@3.0.1', // Babel's `exports.a = exports.b = … = undefined` header changed (now correct: statements are named without Babel's coverage comments, and `Diff.prototype = { … }` is rebuilt in place)
  'pluralize@1.0.3', // rules registered by calls inside a UMD factory
  'filesize@3.2.1', // a table inside a UMD wrapper, restructured (now run again in the wrapper's scope)
  'mime@2.4.6', // an object built at load (`new Mime(table)`) from a changed data module
  'path-to-regexp@0.1.9', // the exported function renamed (`module.exports = pathToRegexp`; now correct: the old one forwards to it)
  'path-to-regexp@6.1.0', // TypeScript's `exports.a = … = void 0` header added (now not run again)
  'camelcase@4.1.0', // functions became arrows (now correct: each takes the arrow's parameters and body under its old head first)
  'ini@1.0.2', // sloppy-mode octal escapes (`'\2LITERAL\2'`) that TypeScript's parser calls errors (now taken for what Node runs)
];

/** Today's verdicts of the pairs of the reduced set that are not correct, and what makes them so. */
const KNOWN: Record<string, { verdict: Exclude<Verdict, 'correct'>; why: string; onlyOnNode?: number }> = {
  'ms 0.1.0 → 0.2.0': { verdict: 'honest', why: 'an IIFE assigning module.exports became module.exports = function: the importer holds the old function (partial: the wrapper and the new wiring not run, LU009 warnings)' },
  'cookie 0.7.2 → 1.0.0': { verdict: 'honest', why: 'V8 stale closures of parse and decode (LU006, partial)' },
  'semver 6.3.2 → 7.1.2': { verdict: 'honest', why: 'package.json main moved to index.js: the save of package.json is partial, LU018 on `main` (restart to get it)' },
  'pluralize 1.0.3 → 1.1.0': { verdict: 'honest', why: "uncountable rules ('$&') registered inside the UMD factory are kept; the changed interpolation drops $& (partial: the factory ran at load)" },
  'pluralize 7.0.0 → 8.0.0': { verdict: 'honest', why: 'rule lists registered inside the UMD factory are not re-run (partial: the factory ran at load)' },
  'mime 2.4.6 → 2.4.7': { verdict: 'honest', why: 'types/standard.js re-exported, but the Mime instance index.js built from it at load is not rebuilt (partial: a data module, its importers keep their copies)' },
};

describe('runtime: npm releases updated in place', () => {
  const title = full ? 'every consecutive release pair' : only ? `every pair of ${only.join(', ')}` : 'the last two release pairs of each library, and one pair of each known shape';
  it(title, { timeout: full || only ? 3_600_000 : 300_000 }, async () => {
    const pairs = full || only ? allPairs(only) : reducedSet();
    const figure = await runPairs(pairs);
    console.log(describeFigure(figure));
    if (full || only) {
      assert.ok(only || packages().length >= 21, 'at least twenty-one libraries');
      const silent = figure.results.filter((r) => r.verdict === 'silent').map((r) => `${pairName(r)}: ${r.failure}`);
      assert.deepEqual(silent, [], 'an update reported applied must answer as a fresh start');
      assert.ok(figure.total.correct >= 0.95 * figure.total.pairs, `${percent(figure.total.correct, figure.total.pairs)}% of the pairs answer as a fresh start; 95% is required`);
      return;
    }
    // Every pair that is not correct is known, with its verdict; a known one that changed comes off the list (or changes verdict).
    const node = Number(execFileSync(testNode(), ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim());
    const knownHere = (name: string) => {
      const k = KNOWN[name];
      return k && (k.onlyOnNode === undefined || k.onlyOnNode === node) ? k : undefined;
    };
    const seen = figure.results.filter((r) => r.verdict !== 'correct' || knownHere(pairName(r))).map((r) => `${pairName(r)}: ${r.verdict}`);
    const known = figure.results.filter((r) => knownHere(pairName(r))).map((r) => `${pairName(r)}: ${knownHere(pairName(r))!.verdict}`);
    assert.deepEqual(seen, known, describeFigure(figure));
  });
});

function reducedSet(): { pkg: string; from: string; to: string }[] {
  const pairs = [...lastPairs(2), ...allPairs(SHAPES)];
  return pairs.filter((p, i) => pairs.findIndex((q) => pairName(q) === pairName(p)) === i);
}
