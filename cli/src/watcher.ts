// Watches the files a program runs: its user modules as V8 reports them (`Debugger.scriptParsed`,
// also replayed for scripts loaded before we connected), never node_modules or Node's own. The
// watching is chokidar's: an editor's atomic save (a new file renamed over the old one) is one
// change, and a file is read only once its size has stopped changing (the end of a write). One
// watcher per file, so that each tells when it is ready: a save made between the file's first
// read and then is found by reading it again.
import { watch, type ChokidarOptions, type FSWatcher } from 'chokidar';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** How long a file's size must stay the same before its text is read (a save can be several writes). */
const SETTLE_MS = 30;
/** How long an emptied file must stay empty to be an edit rather than a save half done. */
const EMPTY_SETTLE_MS = 500;

const WATCH_OPTIONS: ChokidarOptions = {
  // Watching never keeps the command line alive: the program's end does.
  persistent: false,
  ignoreInitial: true,
  atomic: true,
  awaitWriteFinish: { stabilityThreshold: SETTLE_MS, pollInterval: 10 },
};

export class LoadedFileWatcher {
  /** File → the text last seen (on load, or at the last change). */
  private readonly files = new Map<string, string>();
  private readonly watchers: FSWatcher[] = [];
  /** Per file, the second look at a file that was emptied. */
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ignoredFolders: readonly string[],
    /** A newly seen file, with its text on disk and the target that loaded it first. */
    private readonly onLoaded: (file: string, text: string, targetId: string) => void,
    /** A watched file's text changed on disk. */
    private readonly onChanged: (file: string, text: string) => void,
  ) {}

  /** A script a target of the program compiled (its URL as V8 reports it). */
  scriptParsed(url: string, targetId: string): void {
    const file = userFile(url);
    if (!file || this.files.has(file) || this.ignoredFolders.some((f) => file.startsWith(f + path.sep))) return;
    this.watch(file, targetId);
    // Its package's manifest too: a save of it that changes how Node resolves modules is told to
    // need a restart (server/src/core/manifestSave.ts).
    const manifest = manifestOf(file);
    if (manifest && !this.files.has(manifest)) this.watch(manifest, targetId);
  }

  private watch(file: string, targetId: string): void {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return;
    }
    this.files.set(file, text);
    const watcher = watch(file, WATCH_OPTIONS);
    // A file replaced more slowly than an atomic save is removed, then added back.
    for (const event of ['change', 'add'] as const) watcher.on(event, () => this.touched(file));
    watcher.once('ready', () => this.touched(file));
    // A file that cannot be watched is not updated (said nowhere better than here).
    watcher.on('error', () => undefined);
    this.watchers.push(watcher);
    this.onLoaded(file, text, targetId);
  }

  watched(): string[] {
    return [...this.files.keys()];
  }

  private touched(file: string, again = false): void {
    if (!this.files.has(file)) return;
    clearTimeout(this.timers.get(file));
    this.timers.delete(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return; // Removed or being replaced: the next event brings the new file.
    }
    const before = this.files.get(file);
    if (text === before) return;
    // A save that writes in place truncates first; a writer descheduled between the two (a busy
    // machine) leaves an empty file for longer than SETTLE_MS. Emptying a module is rare enough
    // to be believed only once it lasts.
    if (text === '' && !again) {
      this.timers.set(
        file,
        setTimeout(() => this.touched(file, true), EMPTY_SETTLE_MS),
      );
      return;
    }
    this.files.set(file, text);
    this.onChanged(file, text);
  }

  close(): void {
    for (const watcher of this.watchers) void watcher.close();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/** The package.json nearest above `file`, or undefined. */
function manifestOf(file: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
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
