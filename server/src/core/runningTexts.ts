// The running texts of the programs' versions, by hash (decision 048). The runtime records only
// hashes (runtime/src/versions.ts); the server knows every text: the baselines it reads from a
// program and the texts it sends. It keeps them here, in memory and in a folder on disk, so that
// a rollback, a version's diff and the REPL's history still find them after the language server
// restarts, and the command line (the same core) finds the editor's and the reverse.
//
// Content-addressed: a file is named by its text's hash and checked against it when read, so
// servers of different windows and the command line share the folder safely. The folder is
// `<tmp>/live-update-<user>/running-texts` (as the runtime's compile cache), used only when it
// belongs to this user and nobody else can write to it; without it texts stay in memory. Bounded:
// the newest MEMORY_TEXTS in memory; on disk, files unused for DISK_DAYS go at start-up.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashText } from '../../../common/patch';

const MEMORY_TEXTS = 200;
const DISK_DAYS = 14;

export class RunningTexts {
  /** hash → text, newest last. */
  private readonly memory = new Map<string, string>();
  private readonly dir: string | undefined;

  constructor(dir: string | undefined = defaultDir()) {
    this.dir = dir && usableDir(dir) ? dir : undefined;
    if (this.dir) prune(this.dir);
  }

  /** Keeps `code` (a text a program runs or is sent); returns its hash. */
  put(code: string, hash = hashText(code)): string {
    const known = this.memory.get(hash);
    this.memory.delete(hash);
    this.memory.set(hash, code);
    if (this.memory.size > MEMORY_TEXTS) this.memory.delete(this.memory.keys().next().value!);
    if (known === undefined && this.dir) {
      const file = path.join(this.dir, hash);
      try {
        if (fs.existsSync(file)) fs.utimesSync(file, new Date(), new Date());
        else {
          // Written whole then renamed: a reader never sees half a text.
          const temporary = `${file}.${process.pid}.tmp`;
          fs.writeFileSync(temporary, code, { mode: 0o600 });
          fs.renameSync(temporary, file);
        }
      } catch {
        // A full disk costs the restore of this text after a restart, nothing else.
      }
    }
    return hash;
  }

  /** The text whose hash is `hash`, if this server or another one kept it. */
  get(hash: string): string | undefined {
    const known = this.memory.get(hash);
    if (known !== undefined || !this.dir || !/^[0-9a-f]+$/.test(hash)) return known;
    try {
      const code = fs.readFileSync(path.join(this.dir, hash), 'utf8');
      return hashText(code) === hash ? code : undefined;
    } catch {
      return undefined;
    }
  }
}

function defaultDir(): string | undefined {
  if (process.env['LIVE_UPDATE_TEXTS_DIR']) return process.env['LIVE_UPDATE_TEXTS_DIR'];
  const user = typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username;
  return path.join(os.tmpdir(), `live-update-${user}`, 'running-texts');
}

/** Made if missing; only a folder of this user that nobody else can write will do (its texts are run). */
function usableDir(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const owner = fs.statSync(dir);
    return !((typeof process.getuid === 'function' && owner.uid !== process.getuid()) || (owner.mode & 0o022) !== 0);
  } catch {
    return false;
  }
}

function prune(dir: string): void {
  const before = Date.now() - DISK_DAYS * 86_400_000;
  try {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (fs.statSync(file).mtimeMs < before) fs.rmSync(file, { force: true });
    }
  } catch {
    // Another server pruning at the same time: whatever it removed is gone either way.
  }
}
