// Asynchronous ES module hooks for Node < 22.15, run by Node in its loader thread (registered by
// register.mjs). CommonJS is left to the CommonJS loader (loader.ts), which does the same.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeCompilers } from './compilers';
import { loadUserModule, pointModule, resolveUserImport } from './hooks';

const RUNTIME_DIR = path.dirname(fileURLToPath(import.meta.url));
const compilers = runtimeCompilers(RUNTIME_DIR, createRequire(import.meta.url) as unknown as Parameters<typeof runtimeCompilers>[1]);

type Next = (target: string, context?: object) => Promise<unknown>;

export async function resolve(specifier: string, context: { parentURL?: string }, nextResolve: Next): Promise<unknown> {
  const point = pointModule(specifier, RUNTIME_DIR);
  if (point) return { url: point, format: 'commonjs', shortCircuit: true };
  const alias = resolveUserImport(specifier, context.parentURL, 'alias');
  if (alias) return alias;
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    return resolveUserImport(specifier, context.parentURL, 'relative', e) ?? Promise.reject(e);
  }
}

export async function load(url: string, context: object, nextLoad: Next): Promise<unknown> {
  const result = loadUserModule(url, compilers, RUNTIME_DIR);
  if (!result) return nextLoad(url, context);
  // CommonJS goes through Module._extensions, which ignores a source given here.
  return result.format === 'commonjs' ? { format: 'commonjs', shortCircuit: true } : result;
}
