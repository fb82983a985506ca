// The product's import graph as esbuild resolves it: every source file of client/, server/,
// runtime/ and common/ with the files and packages it imports for their values. Type-only imports
// are left out (esbuild drops them, as the bundles do), so the graph is what runs.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';

/** What a file imports: repository files (relative paths) and packages (`vscode`, `ws`, `node:fs`). */
export interface FileImports {
  files: string[];
  packages: string[];
}

export type ImportGraph = Map<string, FileImports>;

/** Folders of product code, relative to the repository root. */
export const SOURCE_FOLDERS = ['client/src', 'server/src', 'cli/src', 'runtime/src', 'common'];

/** Appends `code` to a file as esbuild reads it: how a test shows that a stray import is caught. */
export type Strays = Record<string, string>;

function strayPlugin(root: string, strays: Strays): esbuild.Plugin {
  return {
    name: 'strays',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const file = path.relative(root, args.path);
        if (!(file in strays)) return undefined;
        return { contents: fs.readFileSync(args.path, 'utf8') + '\n' + strays[file], loader: 'ts', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

function sourceFiles(root: string, folder: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, folder), { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(root, file));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(file);
  }
  return out;
}

/** Every product source file and what it imports (packages are not followed into). */
export async function importGraph(root: string, strays: Strays = {}): Promise<ImportGraph> {
  const entryPoints = SOURCE_FOLDERS.flatMap((folder) => sourceFiles(root, folder));
  const result = await esbuild.build({
    entryPoints,
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    write: false,
    outdir: 'graph-out',
    metafile: true,
    logLevel: 'silent',
    plugins: [strayPlugin(root, strays)],
  });
  const graph: ImportGraph = new Map();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    const imports: FileImports = { files: [], packages: [] };
    for (const i of input.imports) {
      // A relative import left external is one esbuild dropped: it imported types only.
      if (i.external && i.path.startsWith('.')) continue;
      if (i.external || isBuiltin(i.path)) imports.packages.push(packageName(i.path));
      else imports.files.push(i.path);
    }
    graph.set(file, imports);
  }
  return graph;
}

/** `vscode-languageserver/node` → `vscode-languageserver`; `node:fs` and `fs` stay as they are. */
function packageName(specifier: string): string {
  if (isBuiltin(specifier)) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The packages whose code one bundle (an entry built as scripts/bundle.mjs builds it) contains. */
export async function bundledPackages(root: string, entry: string, strays: Strays = {}): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['vscode', 'bufferutil', 'utf-8-validate'],
    write: false,
    outfile: 'bundle-out/entry.js',
    metafile: true,
    logLevel: 'silent',
    plugins: [strayPlugin(root, strays)],
  });
  const packages = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match && bytesInOutput > 0) packages.add(match[1]!);
    }
  }
  return [...packages].sort();
}

/** The files `file` reaches through value imports, itself included. */
export function reachable(graph: ImportGraph, file: string): Set<string> {
  const seen = new Set<string>();
  const stack = [file];
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(graph.get(next)?.files ?? []));
  }
  return seen;
}
