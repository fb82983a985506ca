// The text a person wrote for a running text: a version's diff shows the file as it was written
// (TypeScript with its types), not the running text the program keeps (types blanked to spaces,
// which looks like damaged code). The runtime keeps only running texts; the server remembers the
// sources it saw (each save, each opened editor, the file on disk) and finds the one whose running
// text is the version's, by hash. A running text no remembered source makes (a patch that kept a
// module's layout, a save from before this server started) has no source: it is shown as it ran.
import * as fs from 'node:fs';
import type { VersionHistory } from '../../../common/patch';
import { runningTextOf } from './savedText';

/** Sources remembered per file (the newest): enough for the versions a person looks back at. */
const PER_FILE = 60;

export class SourceTexts {
  /** file → source text → its running text's hash (undefined until asked, null when it does not parse). */
  private readonly byFile = new Map<string, Map<string, string | null | undefined>>();

  /** A text of `file` as written (saved, opened, on disk). */
  remember(file: string, source: string): void {
    let sources = this.byFile.get(file);
    if (!sources) this.byFile.set(file, (sources = new Map()));
    const hash = sources.get(source);
    sources.delete(source); // newest last
    sources.set(source, hash);
    if (sources.size > PER_FILE) sources.delete(sources.keys().next().value!);
  }

  /** The source whose running text has this hash, if one was seen (the file on disk is looked at too). */
  sourceOf(file: string, runningHash: string): string | undefined {
    const onDisk = readOrUndefined(file);
    if (onDisk !== undefined && !this.byFile.get(file)?.has(onDisk)) this.remember(file, onDisk);
    const sources = this.byFile.get(file);
    if (!sources) return undefined;
    for (const [source, known] of [...sources].reverse()) {
      let hash = known;
      if (hash === undefined) {
        const running = runningTextOf(file, source);
        hash = running.ok ? running.hash : null;
        sources.set(source, hash);
      }
      if (hash === runningHash) return source;
    }
    return undefined;
  }

  /** Adds to each file of each version the sources of its texts, where known (`VersionFile.beforeSource`/`afterSource`). */
  addSources(history: VersionHistory): VersionHistory {
    return {
      ...history,
      versions: history.versions.map((v) => ({
        ...v,
        files: v.files.map((f) => {
          if (f.before === undefined && f.after === undefined) return f;
          const beforeSource = f.before !== undefined ? this.sourceOf(f.file, f.beforeHash) : undefined;
          const afterSource = f.after !== undefined ? this.sourceOf(f.file, f.afterHash) : undefined;
          return { ...f, ...(beforeSource !== undefined ? { beforeSource } : {}), ...(afterSource !== undefined ? { afterSource } : {}) };
        }),
      })),
    };
  }
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
