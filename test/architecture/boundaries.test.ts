// The house's boundaries, checked over the import graph instead of promised in prose: who may
// import vscode, the LSP library, and what the runtime and the command line may carry. Each rule
// is also shown to fail on a stray import written into a file as esbuild reads it.
import assert from 'node:assert/strict';
import { isBuiltin } from 'node:module';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/paths';
import { bundledPackages, importGraph, reachable, type ImportGraph, type Strays } from './importGraph';

/** The Language Server Protocol's packages: the LSP library. */
const LSP_PACKAGES = ['vscode-languageserver', 'vscode-languageserver-protocol', 'vscode-languageserver-types', 'vscode-languageserver-textdocument', 'vscode-languageclient', 'vscode-jsonrpc'];
/** The LSP layer: the only files that may import the LSP library. */
const LSP_LAYER = ['server/src/lsp/', 'common/protocol.ts', 'client/src/languageClient.ts', 'client/src/serverLifecycle.ts'];
/** The common files the runtime may load into the user's program (besides Node's own modules). */
const RUNTIME_COMMON = ['common/moduleResolution.ts', 'common/nodeOptions.ts', 'common/patch.ts', 'common/jsScan.ts', 'common/loadScopes.ts', 'common/positions.ts', 'common/projectConfig.ts', 'common/runningText.ts', 'common/runtimeApi.ts', 'common/transpile.ts', 'common/twoStepTexts.ts', 'common/versions.ts'];
/** The command line's bundle entry. */
const CLI_ENTRY = 'cli/src/main.ts';

const inLayer = (file: string, layer: readonly string[]) => layer.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p));
const isLsp = (pkg: string) => LSP_PACKAGES.includes(pkg);

/** One path of imports from `from` to the first file `bad` holds of, as `a → b → c`. */
function pathTo(graph: ImportGraph, from: string, bad: (file: string) => boolean): string | undefined {
  const parent = new Map<string, string | undefined>([[from, undefined]]);
  const queue = [from];
  while (queue.length) {
    const file = queue.shift()!;
    if (bad(file)) {
      const chain = [];
      for (let at: string | undefined = file; at !== undefined; at = parent.get(at)) chain.unshift(at);
      return chain.join(' → ');
    }
    for (const next of graph.get(file)?.files ?? []) {
      if (!parent.has(next)) {
        parent.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** Every broken boundary of the graph, one sentence each. */
function violations(graph: ImportGraph, cliPackages: string[]): string[] {
  const out: string[] = [];
  const files = [...graph.keys()].sort();
  for (const file of files) {
    const { packages } = graph.get(file)!;
    if (packages.includes('vscode') && !file.startsWith('client/')) out.push(`${file} imports vscode: only client/ may`);
    const lsp = packages.filter(isLsp);
    if (lsp.length && !inLayer(file, LSP_LAYER)) out.push(`${file} imports ${lsp.join(', ')}: only the LSP layer may (${LSP_LAYER.join(', ')})`);
  }
  // The analysis, the engine, the host and everything else of the server but its LSP layer, and
  // the command line, are usable without LSP: no value of the LSP library, however indirectly.
  for (const file of files.filter((f) => (f.startsWith('server/src/') || f.startsWith('cli/src/')) && !inLayer(f, LSP_LAYER))) {
    const chain = pathTo(graph, file, (f) => f !== file && (inLayer(f, LSP_LAYER) || (graph.get(f)?.packages ?? []).some(isLsp)));
    if (chain) out.push(`${file} reaches the LSP layer: ${chain}`);
  }
  // The runtime runs inside the user's program: Node's modules and a few common files, nothing else.
  for (const file of files.filter((f) => f.startsWith('runtime/src/'))) {
    for (const reached of reachable(graph, file)) {
      if (!reached.startsWith('runtime/src/') && !RUNTIME_COMMON.includes(reached)) out.push(`${file} loads ${reached} into the program: the runtime may load only runtime/src/ and ${RUNTIME_COMMON.join(', ')}`);
      for (const pkg of graph.get(reached)?.packages ?? []) if (!isBuiltin(pkg)) out.push(`${reached} imports ${pkg}: the runtime has no dependencies`);
    }
  }
  for (const pkg of cliPackages) if (isLsp(pkg) || pkg === 'vscode') out.push(`the command line's bundle (${CLI_ENTRY}) contains ${pkg}`);
  return [...new Set(out)];
}

async function check(strays: Strays = {}): Promise<string[]> {
  const [graph, cliPackages] = await Promise.all([importGraph(repoRoot, strays), bundledPackages(repoRoot, CLI_ENTRY, strays)]);
  return violations(graph, cliPackages);
}

describe('boundaries of the import graph', () => {
  it('holds for the tree as it is', async () => {
    assert.deepEqual(await check(), []);
  });

  it('fails on a stray import, rule by rule', async () => {
    const found = await check({
      'server/src/core/policy.ts': `import * as strayVscode from 'vscode';\nexport const stray = strayVscode;`,
      'server/src/repl/format.ts': `import { TextDocuments } from 'vscode-languageserver/node';\nexport const stray = TextDocuments;`,
      'server/src/analysis/gaps.ts': `import { DiagnosticCodes } from '../../../common/protocol';\nexport const stray = DiagnosticCodes;`,
      'runtime/src/stack.ts': `import { RUNTIME_MISSING_ANSWER } from '../../common/runtimeCall';\nexport const stray = RUNTIME_MISSING_ANSWER;`,
    });
    const expect = (pattern: RegExp) => assert.ok(found.some((v) => pattern.test(v)), `no violation matching ${pattern} in:\n${found.join('\n')}`);
    expect(/^server\/src\/core\/policy\.ts imports vscode/);
    expect(/^server\/src\/repl\/format\.ts imports vscode-languageserver: only the LSP layer/);
    expect(/^server\/src\/analysis\/gaps\.ts reaches the LSP layer: server\/src\/analysis\/gaps\.ts → common\/protocol\.ts/);
    expect(/^server\/src\/core\/updateEngine\.ts reaches the LSP layer: .*gaps\.ts → common\/protocol\.ts/);
    expect(/^runtime\/src\/stack\.ts loads common\/runtimeCall\.ts into the program/);
    expect(/^the command line's bundle .* contains vscode-jsonrpc$/);
  });
});
