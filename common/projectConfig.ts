/**
 * The parts of a project's tsconfig.json (or jsconfig.json) that decide how its files run: the
 * compiler options a transform takes (decorators, JSX, class fields), `module` (what a TypeScript
 * file with `import` syntax and no package `"type"` means), and `paths`/`baseUrl` (what a bare
 * import names). Found and read as TypeScript does — the nearest config up from the file, JSON with
 * comments and trailing commas, `extends` (a path, a package, or a list) merged in order — but
 * without loading TypeScript: the runtime asks on every import of the user's files.
 *
 * Node built-ins only: the runtime uses it in the user's program, the server for each save.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export interface ProjectConfig {
  /** The tsconfig.json (or jsconfig.json) that applies. */
  file: string;
  /** Its `compilerOptions` with those of every config it extends merged in, as written (JSON). */
  compilerOptions: Record<string, unknown>;
  /** `paths` and the folder its entries are relative to (`baseUrl`, else the config that set `paths`). */
  paths?: { patterns: Record<string, string[]>; base: string };
  /** `baseUrl`, absolute: bare imports are looked up there too. */
  baseUrl?: string;
}

interface Cached {
  config: ProjectConfig | undefined;
  /** Every file read (the chain of `extends`) with its mtime then: re-read when one changed. */
  mtimes: [string, number][];
}

const NAMES = ['tsconfig.json', 'jsconfig.json'];
/** Folder → the config file that applies there ('' for none). */
const nearest = new Map<string, string>();
const parsed = new Map<string, Cached>();

/** The project config that applies to `file`, or undefined when no tsconfig/jsconfig is above it. */
export function projectConfigFor(file: string): ProjectConfig | undefined {
  const configFile = nearestConfig(path.dirname(file));
  if (!configFile) return undefined;
  const cached = parsed.get(configFile);
  if (cached && cached.mtimes.every(([f, mtime]) => mtimeOf(f) === mtime)) return cached.config;
  const mtimes: [string, number][] = [];
  let config: ProjectConfig | undefined;
  try {
    config = readChain(configFile, mtimes, new Set());
  } catch {
    // A config that cannot be read is one TypeScript would refuse too: run as if there were none.
    config = undefined;
  }
  parsed.set(configFile, { config, mtimes });
  return config;
}

function nearestConfig(dir: string): string | undefined {
  const known = nearest.get(dir);
  if (known !== undefined) return known || undefined;
  let found = '';
  for (const name of NAMES) {
    const candidate = path.join(dir, name);
    if (isFile(candidate)) {
      found = candidate;
      break;
    }
  }
  if (!found && path.basename(dir) !== 'node_modules') {
    const parent = path.dirname(dir);
    if (parent !== dir) found = nearestConfig(parent) ?? '';
  }
  nearest.set(dir, found);
  return found || undefined;
}

function readChain(file: string, mtimes: [string, number][], seen: Set<string>): ProjectConfig {
  if (seen.has(file)) throw new Error(`circular extends in ${file}`);
  seen.add(file);
  mtimes.push([file, mtimeOf(file)]);
  const json = parseJsonWithComments(fs.readFileSync(file, 'utf8')) as { extends?: unknown; compilerOptions?: Record<string, unknown> };
  const dir = path.dirname(file);
  const bases = typeof json.extends === 'string' ? [json.extends] : Array.isArray(json.extends) ? json.extends.filter((e): e is string => typeof e === 'string') : [];
  let merged: ProjectConfig = { file, compilerOptions: {} };
  for (const base of bases) {
    const baseFile = resolveExtends(base, file);
    if (!baseFile) continue;
    const inherited = readChain(baseFile, mtimes, seen);
    merged = { ...merged, ...inherited, file, compilerOptions: { ...merged.compilerOptions, ...inherited.compilerOptions } };
  }
  const own = json.compilerOptions ?? {};
  merged.compilerOptions = { ...merged.compilerOptions, ...own };
  // Paths in a config are relative to the config that wrote them, also when it is extended.
  if (typeof own.baseUrl === 'string') merged.baseUrl = path.resolve(dir, own.baseUrl);
  if (own.paths && typeof own.paths === 'object') merged.paths = { patterns: own.paths as Record<string, string[]>, base: dir };
  if (merged.paths && merged.baseUrl) merged.paths = { ...merged.paths, base: merged.baseUrl };
  return merged;
}

/** TypeScript's lookup of `extends`: a path (`.json` optional), else a package's config. */
function resolveExtends(specifier: string, from: string): string | undefined {
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
    const target = path.resolve(path.dirname(from), specifier);
    return isFile(target) ? target : isFile(`${target}.json`) ? `${target}.json` : undefined;
  }
  const require = createRequire(from);
  for (const candidate of [specifier, `${specifier}.json`, `${specifier}/tsconfig.json`]) {
    try {
      const resolved = require.resolve(candidate);
      if (resolved.endsWith('.json')) return resolved;
    } catch {
      // The next form.
    }
  }
  return undefined;
}

/**
 * JSON with `//` and `/* *\/` comments and trailing commas, as tsconfig files are written: both are
 * removed outside strings, and what remains is JSON.
 */
export function parseJsonWithComments(text: string): unknown {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === ',' && /^(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*[}\]]/.test(text.slice(i + 1))) {
      i++; // A trailing comma.
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out.replace(/^\uFEFF/, ''));
}

export function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
