/**
 * How the user's files name each other when Node alone would not find them: the way TypeScript's
 * `bundler` resolution and tsx resolve. Extensionless and directory (`index`) imports, `./x.js`
 * meaning `./x.ts` (what tsc asks TypeScript code to write), and tsconfig `paths`/`baseUrl`
 * aliases. The runtime's module hooks ask this for imports made by the user's own files only;
 * everything Node resolves itself stays Node's.
 *
 * Node built-ins only (it runs in the user's program).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isFile, projectConfigFor } from './projectConfig';

/** Extensions tried for an extensionless import, TypeScript's first (as TypeScript and tsx do). */
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
/** What a JavaScript extension in an import may stand for. */
const TS_FOR_JS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

const isRelative = (specifier: string): boolean => /^\.\.?(?:\/|$)/.test(specifier) || path.isAbsolute(specifier);

/**
 * The file a relative or absolute import of `parentFile` means when the specifier does not name a
 * file itself (no extension, a folder, `.js` for `.ts`); undefined when none fits.
 */
export function resolveRelative(specifier: string, parentFile: string): string | undefined {
  if (!isRelative(specifier)) return undefined;
  return fileLike(path.resolve(path.dirname(parentFile), specifier));
}

/**
 * The file a bare import of `parentFile` means through its tsconfig's `paths` (first match, as
 * TypeScript tries them) or `baseUrl`; undefined when neither names an existing file, so that
 * packages resolve as usual.
 */
export function resolveAlias(specifier: string, parentFile: string): string | undefined {
  if (isRelative(specifier) || specifier.startsWith('node:') || specifier.startsWith('#')) return undefined;
  const config = projectConfigFor(parentFile);
  if (!config) return undefined;
  if (config.paths) {
    for (const [pattern, targets] of matchingPatterns(config.paths.patterns, specifier)) {
      for (const target of targets) {
        const found = fileLike(path.resolve(config.paths.base, target.replace('*', pattern)));
        if (found) return found;
      }
    }
  }
  return config.baseUrl ? fileLike(path.resolve(config.baseUrl, specifier)) : undefined;
}

/** `paths` patterns that match, the longest prefix first (TypeScript's order), with what `*` took. */
function matchingPatterns(patterns: Record<string, string[]>, specifier: string): [string, string[]][] {
  const out: [string, string[], number][] = [];
  for (const [pattern, targets] of Object.entries(patterns)) {
    if (!Array.isArray(targets)) continue;
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (pattern === specifier) out.push(['', targets, Infinity]);
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix)) {
      out.push([specifier.slice(prefix.length, specifier.length - suffix.length), targets, prefix.length]);
    }
  }
  return out.sort((a, b) => b[2] - a[2]).map(([taken, targets]) => [taken, targets]);
}

/** A path as an import means it: the file, its TypeScript for a `.js` name, with an extension, or a folder's index. */
function fileLike(target: string): string | undefined {
  if (isFile(target)) return target;
  const ext = path.extname(target);
  for (const alternative of TS_FOR_JS[ext] ?? []) {
    const candidate = target.slice(0, -ext.length) + alternative;
    if (isFile(candidate)) return candidate;
  }
  for (const extension of EXTENSIONS) if (isFile(target + extension)) return target + extension;
  if (isDirectory(target)) {
    const main = packageMain(target);
    if (main) {
      const found = fileLike(path.resolve(target, main));
      if (found) return found;
    }
    for (const extension of EXTENSIONS) {
      const index = path.join(target, `index${extension}`);
      if (isFile(index)) return index;
    }
  }
  return undefined;
}

function packageMain(dir: string): string | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { main?: unknown };
    return typeof manifest.main === 'string' ? manifest.main : undefined;
  } catch {
    return undefined;
  }
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}
