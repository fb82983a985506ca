// Bundles client, server, runtime, tests and benchmarks with esbuild (types are checked separately by `tsc -b`).
//   node scripts/bundle.mjs           one build
//   node scripts/bundle.mjs --watch   rebuild on change
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const common = { bundle: true, platform: 'node', format: 'cjs', sourcemap: 'linked', logLevel: 'warning', absWorkingDir: root };

function testEntries(dir) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(join(root, path)).isDirectory()) out.push(...testEntries(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const builds = [
  // The runtime is loaded into the user's program: Node 20 syntax, no dependencies. amaro (the
  // TypeScript type stripper) and TypeScript stay separate files, required only when a module needs them.
  { ...common, entryPoints: ['runtime/src/index.ts'], outfile: 'dist/runtime/index.js', target: 'node20', sourcemap: false },
  { ...common, entryPoints: ['runtime/src/point.ts'], outfile: 'dist/runtime/point.js', target: 'node20', sourcemap: false },
  { ...common, format: 'esm', entryPoints: ['runtime/src/register.ts'], outfile: 'dist/runtime/register.mjs', target: 'node20', sourcemap: false },
  { ...common, format: 'esm', entryPoints: ['runtime/src/esmHooks.ts'], outfile: 'dist/runtime/esm-hooks.mjs', target: 'node20', sourcemap: false },
  // ws (the CDP connection to js-debug's proxy) is bundled in; its optional native helpers are not.
  { ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server/main.js', target: 'node20', external: ['bufferutil', 'utf-8-validate'] },
  // The command line: the server's engine and type gate (TypeScript bundled in, as in the server,
  // with its lib files beside it), ws bundled in; it finds the runtime at ../runtime.
  { ...common, entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli/live-update.js', target: 'node20', banner: { js: '#!/usr/bin/env node' }, external: ['bufferutil', 'utf-8-validate'] },
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client/extension.js', target: 'node20', external: ['vscode', 'bufferutil', 'utf-8-validate'] },
  { ...common, entryPoints: testEntries('test'), outdir: 'dist/test', outbase: 'test', target: 'node20', packages: 'external', external: ['vscode'] },
  // Benchmarks (`npm run bench`): bench/src/*.ts → dist/bench/src/, as deep as dist/test/<area>/,
  // so test/support/paths finds the repository root the same way.
  { ...common, entryPoints: testEntries('bench'), outdir: 'dist/bench', outbase: 'bench', target: 'node20', packages: 'external' },
];

mkdirSync(join(root, 'dist/runtime'), { recursive: true });
copyFileSync(join(root, 'node_modules/amaro/dist/index.js'), join(root, 'dist/runtime/amaro.js'));
// The runtime's compile cache is keyed by each compiler's version (runtime/src/compileCache.ts).
writeFileSync(join(root, 'dist/runtime/amaro.version'), JSON.parse(readFileSync(join(root, 'node_modules/amaro/package.json'), 'utf8')).version);
// TypeScript transforms what blanking cannot run (common/transpile.ts), in the program as in the
// server: the same build, loaded from beside the runtime only when a module needs it.
copyFileSync(join(root, 'node_modules/typescript/lib/typescript.js'), join(root, 'dist/runtime/typescript.js'));
writeFileSync(join(root, 'dist/runtime/typescript.version'), JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8')).version);
// The bundled TypeScript looks for its lib files (lib.es2022.d.ts, …) next to the executing file:
// the server's type gate needs them beside dist/server/main.js.
// The command line bundles the same TypeScript: the same lib files beside dist/cli/live-update.js.
for (const dir of ['dist/server', 'dist/cli']) {
  mkdirSync(join(root, dir), { recursive: true });
  for (const name of readdirSync(join(root, 'node_modules/typescript/lib'))) {
    if (/^lib\..*\.d\.ts$/.test(name)) copyFileSync(join(root, 'node_modules/typescript/lib', name), join(root, dir, name));
  }
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('[bundle] watching', builds.map((b) => relative(root, b.outfile ?? b.outdir)).join(', '));
} else {
  const started = Date.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  chmodSync(join(root, 'dist/cli/live-update.js'), 0o755);
  console.log(`[bundle] built in ${Date.now() - started} ms`);
}
