// A disk cache of what the runtime's compilers produce (type blanking, and TypeScript's transform
// of what cannot be blanked), so a program starts without loading amaro (megabytes of WebAssembly)
// or TypeScript (9 MB of compiler), and without redoing modules it compiled before — what tsx does
// for its transforms. An entry is named by what decides its content: the compiler's build, the
// options, the file name and the source (FNV hash and length; the entry also holds the source's
// length and the options, checked on read). Any failure (read-only disk, full disk, a broken entry)
// falls back to compiling: the cache can only make a start faster, never change what runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashText } from '../../common/patch';
import type { Compilers, TypeStripper } from '../../common/runningText';
import { transpileKeepingLines, type TranspileInput, type TypeScriptApi } from '../../common/transpile';

interface DiskCache {
  get<T>(options: string, source: string): T | undefined;
  put(options: string, source: string, result: unknown): void;
}

function diskCache(tag: string, compilerFile: string): DiskCache {
  const dir = cacheDir(tag, compilerFile);
  const keyOf = (options: string, source: string) => dir && path.join(dir, `${hashText(options)}-${hashText(source)}.json`);
  return {
    get<T>(options: string, source: string): T | undefined {
      const key = keyOf(options, source);
      if (!key) return undefined;
      try {
        const entry = JSON.parse(fs.readFileSync(key, 'utf8')) as { length: number; options: string; result: T };
        if (entry.length === source.length && entry.options === options) return entry.result;
      } catch {
        // A miss (or an entry that cannot be read): compile.
      }
      return undefined;
    },
    put(options: string, source: string, result: unknown): void {
      const key = keyOf(options, source);
      if (!key) return;
      try {
        const temporary = `${key}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, JSON.stringify({ length: source.length, options, result }));
        fs.renameSync(temporary, key);
      } catch {
        // Not cached; the next start compiles again.
      }
    },
  };
}

/** A stripper that answers from the cache and loads the real one only on a miss. */
export function cachedStripper(load: () => TypeStripper, stripperFile: string): () => TypeStripper {
  const cache = diskCache('blank', stripperFile);
  const cached: TypeStripper = {
    transformSync(code: string, options: object) {
      const key = JSON.stringify(options);
      const hit = cache.get<{ code: string; map?: string }>(key, code);
      if (hit) return hit;
      const result = load().transformSync(code, options);
      cache.put(key, code, { code: result.code, ...(result.map ? { map: result.map } : {}) });
      return result;
    },
  };
  return () => cached;
}

/** TypeScript's transform with kept lines (common/transpile.ts), from the cache or compiled. */
export function cachedTranspiler(load: () => TypeScriptApi, typescriptFile: string): Compilers['transpile'] {
  const cache = diskCache('ts', typescriptFile);
  return (input: TranspileInput) => {
    const key = JSON.stringify({ file: input.file, format: input.format, compilerOptions: input.compilerOptions, configDir: input.configDir });
    const hit = cache.get<{ code: string }>(key, input.source);
    if (hit) return hit;
    let code: string;
    try {
      ({ code } = transpileKeepingLines(load(), input));
    } catch (e) {
      throw asProgramError(e, path.dirname(typescriptFile));
    }
    cache.put(key, input.source, { code });
    return { code };
  };
}

/**
 * A syntax error of the user's file as the program shows its own errors: at the file's line, then
 * whoever loaded it, with no frame of the runtime's.
 */
function asProgramError(error: unknown, runtimeDir: string): unknown {
  const location = (error as { location?: { file: string; line: number; column: number } }).location;
  if (!(error instanceof SyntaxError) || !location) return error;
  const callers = (error.stack ?? '').split('\n').filter((frame) => /^\s+at /.test(frame) && !frame.includes(runtimeDir));
  error.stack = [`SyntaxError: ${error.message}`, `    at ${location.file}:${location.line}:${location.column}`, ...callers].join('\n');
  return error;
}

/** `<tmp>/live-update-<user>/<tag>-<compiler build>`, or undefined when it cannot be made. */
function cacheDir(tag: string, compilerFile: string): string | undefined {
  if (process.env.LIVE_UPDATE_NO_CACHE) return undefined;
  try {
    // The build writes the compiler's version beside it; without it, the file's size and time stand in.
    let version: string;
    try {
      version = fs.readFileSync(compilerFile.replace(/\.js$/, '.version'), 'utf8').trim().replace(/[^\w.-]/g, '');
    } catch {
      const stat = fs.statSync(compilerFile);
      version = `${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}`;
    }
    const user = typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username;
    const dir = path.join(os.tmpdir(), `live-update-${user}`, `${tag}-${version}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Code is read from here: only a folder of this user that nobody else can write will do (a
    // folder someone else made under the shared temporary directory could hold their code).
    for (let d = dir; d !== os.tmpdir() && d.length > os.tmpdir().length; d = path.dirname(d)) {
      const owner = fs.statSync(d);
      if ((typeof process.getuid === 'function' && owner.uid !== process.getuid()) || (owner.mode & 0o022) !== 0) return undefined;
    }
    return dir;
  } catch {
    return undefined;
  }
}
