// Asynchronous ES module hooks for Node < 22.15, run by Node in its loader thread (registered by
// register.mjs). CommonJS TypeScript is left to the CommonJS loader (loader.ts), which does the same.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TypeStripper } from '../../common/runningText';
import { cachedStripper } from './blankingCache';
import { loadUserModule, pointModule, typeScriptSibling } from './hooks';

let stripper: TypeStripper | undefined;
const AMARO = fileURLToPath(new URL('./amaro.js', import.meta.url));
const loadStripper = cachedStripper(() => (stripper ??= createRequire(import.meta.url)(AMARO) as TypeStripper), AMARO);

const RUNTIME_DIR = path.dirname(fileURLToPath(import.meta.url));

type Next = (target: string, context?: object) => Promise<unknown>;

export async function resolve(specifier: string, context: { parentURL?: string }, nextResolve: Next): Promise<unknown> {
  const point = pointModule(specifier, RUNTIME_DIR);
  if (point) return { url: point, format: 'commonjs', shortCircuit: true };
  return nextResolve(typeScriptSibling(specifier, context.parentURL) ?? specifier, context);
}

export async function load(url: string, context: object, nextLoad: Next): Promise<unknown> {
  const result = loadUserModule(url, loadStripper, RUNTIME_DIR);
  if (!result) return nextLoad(url, context);
  // CommonJS goes through Module._extensions, which ignores a source given here.
  return result.format === 'commonjs' ? { format: 'commonjs', shortCircuit: true } : result;
}
