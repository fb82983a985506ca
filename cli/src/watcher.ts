// Watches the files a program runs: its user modules as V8 reports them (`Debugger.scriptParsed`,
// also replayed for scripts loaded before we connected), never node_modules or Node's own. A file
// is watched through its folder, since editors often save by writing a new file and renaming it
// over the old one, which ends a watch on the file itself.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** How long a file must be quiet before its text is read (an editor's save can be several writes). */
const SETTLE_MS = 30;
/** How often each watched file's modification time is read, besides its folder's events. */
const POLL_MS = 1_000;
/** How long an emptied file must stay empty to be an edit rather than a save half done. */
const EMPTY_SETTLE_MS = 500;

export class LoadedFileWatcher {
  /** File → the text last seen (on load, or at the last change). */
  private readonly files = new Map<string, string>();
  private readonly folders = new Map<string, fs.FSWatcher>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ignoredFolders: readonly string[],
    /** A newly seen file, with its text on disk. */
    private readonly onLoaded: (file: string, text: string) => void,
    /** A watched file's text changed on disk. */
    private readonly onChanged: (file: string, text: string) => void,
  ) {}

  /** A script the program compiled (its URL as V8 reports it). */
  scriptParsed(url: string): void {
    const file = userFile(url);
    if (!file || this.files.has(file) || this.ignoredFolders.some((f) => file.startsWith(f + path.sep))) return;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return;
    }
    this.files.set(file, text);
    this.watchFolder(path.dirname(file));
    // A safety net under the folder's events, which a busy machine or a network file system can
    // drop (a save missed once in CI): the file's own modification time, polled.
    fs.watchFile(file, { persistent: false, interval: POLL_MS }, (now, before) => {
      if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) this.touched(file);
    });
    this.onLoaded(file, text);
  }

  watched(): string[] {
    return [...this.files.keys()];
  }

  private watchFolder(folder: string): void {
    if (this.folders.has(folder)) return;
    try {
      const watcher = fs.watch(folder, { persistent: false }, (_event, name) => {
        if (name) this.touched(path.join(folder, name.toString()));
      });
      watcher.on('error', () => this.folders.delete(folder));
      this.folders.set(folder, watcher);
    } catch {
      // A folder that cannot be watched: its files are not updated (said nowhere better than here).
    }
  }

  private touched(file: string, settleMs = SETTLE_MS): void {
    if (!this.files.has(file)) return;
    clearTimeout(this.timers.get(file));
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        let text: string;
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch {
          return; // Removed or being replaced: the next event brings the new file.
        }
        const before = this.files.get(file);
        if (text === before) return;
        // A save that writes in place truncates first; a writer descheduled between the two (a
        // busy machine) leaves an empty file for longer than SETTLE_MS. Emptying a module is rare
        // enough to be believed only once it lasts.
        if (text === '' && before !== '' && settleMs === SETTLE_MS) return this.touched(file, EMPTY_SETTLE_MS);
        this.files.set(file, text);
        this.onChanged(file, text);
      }, settleMs),
    );
  }

  close(): void {
    for (const file of this.files.keys()) fs.unwatchFile(file);
    for (const watcher of this.folders.values()) watcher.close();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.folders.clear();
  }
}

/** The user file behind a script URL, or undefined (Node's own, node_modules, eval'd code). */
function userFile(url: string): string | undefined {
  let file: string | undefined;
  if (url.startsWith('file://')) {
    try {
      file = fileURLToPath(url);
    } catch {
      return undefined;
    }
  } else if (path.isAbsolute(url)) {
    file = url;
  }
  if (!file || file.split(path.sep).includes('node_modules')) return undefined;
  return file;
}
