// The text the type checker sees for each file: an overlay (text the engine passed in — what runs,
// or what was just saved; the file on disk may differ) or else the file on disk. Every distinct
// text gets a new version number: a ts.LanguageService re-parses and re-checks only files whose
// version changed, which is what makes the second check after a one-line edit cheap.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** One spelling per file: absolute, forward slashes (how TypeScript names files on every OS). */
export function fileKey(file: string): string {
  return path.resolve(file).replace(/\\/g, '/');
}

interface Overlay {
  text: string;
  version: number;
  snapshot: ts.IScriptSnapshot;
}

interface DiskFile {
  /** `undefined`: the file did not exist when last looked at. */
  text: string | undefined;
  mtimeMs: number;
  size: number;
  version: number;
  snapshot: ts.IScriptSnapshot | undefined;
}

/** Installed packages and TypeScript's own lib files do not change during a session. */
const immutable = (file: string): boolean => file.includes('/node_modules/');

export class SourceStore {
  private readonly overlays = new Map<string, Overlay>();
  private readonly disk = new Map<string, DiskFile>();
  private nextVersion = 1;
  /**
   * Bumps whenever a text any project may see changes (an overlay, or a file on disk noticed by
   * `refreshDisk`). Projects report it as their project version, so a language service whose
   * inputs did not change skips even the per-file version walk.
   */
  generation = 0;

  setOverlay(file: string, text: string): void {
    if (this.overlays.get(file)?.text === text) return;
    this.overlays.set(file, { text, version: this.nextVersion++, snapshot: ts.ScriptSnapshot.fromString(text) });
    this.generation++;
  }

  clearOverlay(file: string): void {
    if (this.overlays.delete(file)) this.generation++;
  }

  overlayText(file: string): string | undefined {
    return this.overlays.get(file)?.text;
  }

  text(file: string): string | undefined {
    return this.overlays.get(file)?.text ?? this.readDisk(file).text;
  }

  version(file: string): string {
    const overlay = this.overlays.get(file);
    // Distinct prefixes: an overlay and a disk read never share a version string.
    return overlay ? `o${overlay.version}` : `d${this.readDisk(file).version}`;
  }

  snapshot(file: string): ts.IScriptSnapshot | undefined {
    return this.overlays.get(file)?.snapshot ?? this.readDisk(file).snapshot;
  }

  exists(file: string): boolean {
    return this.overlays.has(file) || this.readDisk(file).text !== undefined;
  }

  /**
   * Looks again at every file read from disk (outside node_modules) and gives a new version to
   * those that changed: one `stat` per file, about a millisecond for a few hundred files. Called
   * once per check, so the language service itself never touches the disk for versions.
   */
  refreshDisk(): void {
    for (const [file, known] of this.disk) {
      if (immutable(file)) continue;
      const stat = statOf(file);
      if ((stat?.mtimeMs ?? -1) !== known.mtimeMs || (stat?.size ?? -1) !== known.size) {
        this.disk.delete(file);
        this.generation++;
      }
    }
  }

  private readDisk(file: string): DiskFile {
    let known = this.disk.get(file);
    if (known) return known;
    const stat = statOf(file);
    let text: string | undefined;
    try {
      text = stat?.isFile() ? fs.readFileSync(file, 'utf8') : undefined;
    } catch {
      text = undefined;
    }
    known = {
      text,
      mtimeMs: stat?.mtimeMs ?? -1,
      size: stat?.size ?? -1,
      version: this.nextVersion++,
      snapshot: text === undefined ? undefined : ts.ScriptSnapshot.fromString(text),
    };
    this.disk.set(file, known);
    return known;
  }
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined; // not a directory on the way, no permission: as good as missing
  }
}
