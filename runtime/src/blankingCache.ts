// A disk cache of type blanking, so a TypeScript program starts without loading amaro (megabytes of
// WebAssembly) or blanking modules it blanked before — what tsx does for its transforms. An entry
// is named by what decides its content: the stripper's build, the options, the file name and the
// source (FNV hash and length; the entry also holds the source's length and the file name, checked
// on read). Any failure (read-only disk, full disk, a broken entry) falls back to blanking: the
// cache can only make a start faster, never change what runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashText } from '../../common/patch';
import type { TypeStripper } from '../../common/runningText';

/** A stripper that answers from the cache and loads the real one only on a miss. */
export function cachedStripper(load: () => TypeStripper, stripperFile: string): () => TypeStripper {
  const dir = cacheDir(stripperFile);
  const cached: TypeStripper = {
    transformSync(code: string, options: object) {
      const key = dir && path.join(dir, `${hashText(JSON.stringify(options))}-${hashText(code)}.json`);
      if (key) {
        try {
          const entry = JSON.parse(fs.readFileSync(key, 'utf8')) as { length: number; options: string; result: { code: string; map?: string } };
          if (entry.length === code.length && entry.options === JSON.stringify(options)) return entry.result;
        } catch {
          // A miss (or an entry that cannot be read): blank.
        }
      }
      const result = load().transformSync(code, options);
      if (key) {
        try {
          const temporary = `${key}.${process.pid}.tmp`;
          fs.writeFileSync(temporary, JSON.stringify({ length: code.length, options: JSON.stringify(options), result: { code: result.code, ...(result.map ? { map: result.map } : {}) } }));
          fs.renameSync(temporary, key);
        } catch {
          // Not cached; the next start blanks again.
        }
      }
      return result;
    },
  };
  return () => cached;
}

/** `<tmp>/live-update-<user>/blank-<stripper build>`, or undefined when it cannot be made. */
function cacheDir(stripperFile: string): string | undefined {
  if (process.env.LIVE_UPDATE_NO_CACHE) return undefined;
  try {
    // The build writes amaro's version beside it; without it, the file's size and time stand in.
    let version: string;
    try {
      version = fs.readFileSync(stripperFile.replace(/\.js$/, '.version'), 'utf8').trim().replace(/[^\w.-]/g, '');
    } catch {
      const stat = fs.statSync(stripperFile);
      version = `${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}`;
    }
    const user = typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username;
    const dir = path.join(os.tmpdir(), `live-update-${user}`, `blank-${version}`);
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
