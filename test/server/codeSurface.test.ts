// Static checks of what the shipped code can run (issue 9, Security): the built bundles of the
// extension, the language server and the command line hold no primitive that turns text into code
// (eval, new Function, node:vm) except the few listed here with the reason each one never sees
// workspace text; and no webview is created without a strict content security policy.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/paths';

const BUNDLES = ['dist/client/extension.js', 'dist/server/main.js', 'dist/cli/live-update.js'];

/** Text-to-code primitives, as they appear in a bundle. */
const DYNAMIC_CODE = /[^\w.$]eval\s*\(|\bnew\s+Function\s*\(|\bFunction\s*\(\s*["'`]|require\(["'](?:node:)?vm["']\)|from\s+["'](?:node:)?vm["']|\bvm\.(?:runIn\w+|compileFunction|Script)\b|\bcompileFunction\s*\(/g;

/** Each allowed occurrence: the line it is on must match, and why it is safe. */
const ALLOWED: { line: RegExp; why: string }[] = [
  // The scope accessor appended to every running text (common/runningText.ts): a string the
  // server compares and writes into patches, run only inside the debuggee.
  { line: /^var ACCESSOR_FORMS = \["\(code\) => eval\(code\)", "\(c\$de\) => eval\(c\$de\)"\];$/, why: 'the text of the scope accessor' },
  // wasm-bindgen's glue of amaro (swc): `Function(<string from the wasm module>)`, which only
  // wasm-bindgen's own code produces (it reads the global object); never workspace text.
  { line: /^const ret = new Function\(v0\);$/, why: "amaro's wasm-bindgen glue (__wbg_newnoargs)" },
];

describe('code surface: shipped bundles and webviews', () => {
  for (const bundle of BUNDLES) {
    it(`${bundle} turns no text into code but the known, safe cases`, () => {
      const lines = fs.readFileSync(path.join(repoRoot, bundle), 'utf8').split('\n');
      const found = lines.flatMap((text, i) => (text.match(DYNAMIC_CODE) ? [{ line: i + 1, text: text.trim() }] : []));
      const unexplained = found.filter((f) => !ALLOWED.some((a) => a.line.test(f.text)));
      assert.deepEqual(unexplained, [], `new text-to-code primitives in ${bundle}: say why they never see workspace text, or remove them`);
      if (bundle !== 'dist/cli/live-update.js') assert.ok(found.length > 0, 'the scan finds the known cases (it still sees the bundle)');
    });
  }

  it('creates no webview without a Content-Security-Policy of default-src none in the same module', () => {
    const files = fs.readdirSync(path.join(repoRoot, 'client/src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 10, 'the client sources are there');
    const creators = files.filter((f) => /createWebviewPanel|registerWebviewViewProvider|registerWebviewPanelSerializer|registerCustomEditorProvider|\.webview\.html\s*=/.test(fs.readFileSync(path.join(repoRoot, 'client/src', f), 'utf8')));
    const withoutCsp = creators.filter((f) => !/<meta http-equiv="Content-Security-Policy" content="default-src 'none'/.test(fs.readFileSync(path.join(repoRoot, 'client/src', f), 'utf8')));
    assert.deepEqual(withoutCsp, [], 'each module that makes a webview sets its Content-Security-Policy (default-src \'none\'; then only what it needs)');
  });
});
