// Asynchronous ES module hooks for Node < 22.15, run by Node in its loader thread (registered by
// register.mjs). CommonJS is left to the CommonJS loader (loader.ts), which does the same.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeCompilers } from './compilers';
import { loadMarkedImport, loadUserModule, markedForImport, pointModule, resolveUserImport } from './hooks';

const RUNTIME_DIR = path.dirname(fileURLToPath(import.meta.url));
const compilers = runtimeCompilers(RUNTIME_DIR, createRequire(import.meta.url) as unknown as Parameters<typeof runtimeCompilers>[1]);

type Next = (target: string, context?: object) => Promise<unknown>;

export async function resolve(specifier: string, context: { parentURL?: string; conditions?: string[] }, nextResolve: Next): Promise<unknown> {
  const point = pointModule(specifier, RUNTIME_DIR);
  if (point) return { url: point, format: 'commonjs', shortCircuit: true };
  const alias = resolveUserImport(specifier, context.parentURL, 'alias');
  if (alias) return markedForImport(alias, context);
  try {
    return markedForImport(await nextResolve(specifier, context), context);
  } catch (e) {
    const found = resolveUserImport(specifier, context.parentURL, 'relative', e);
    if (!found) throw e;
    return markedForImport(found, context);
  }
}

export async function load(url: string, context: object, nextLoad: Next): Promise<unknown> {
  const marked = loadMarkedImport(url, compilers, RUNTIME_DIR);
  if (marked) return marked;
  const result = loadUserModule(url, compilers, RUNTIME_DIR);
  if (!result) return nextLoad(url, context);
  // CommonJS goes through Module._extensions, which ignores a source given here.
  return result.format === 'commonjs' ? { format: 'commonjs', shortCircuit: true } : result;
}
