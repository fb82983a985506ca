// The type-check gate of an update: which type errors a saved change introduces, in the changed
// file and in the files that import it. Editor-agnostic (no LSP): the engine passes texts in, and
// tells the gate which text now runs (`accept`), so the next check compares against it.
//
// Projects are cached (one incremental ts.LanguageService per tsconfig/jsconfig, or per inferred
// project) and texts are versioned, so after the first check only the edited file is re-parsed
// and only the files the gate asks about are re-checked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import ts from 'typescript';
import { Project } from './project';
import { configCovers, configMtime, findConfigFiles, inferredSpec, isJavaScriptFile, parseConfig, type ProjectSpec } from './projectConfig';
import { fileKey, SourceStore } from './sourceStore';
import { byPosition, introducedErrors, toKeyedErrors, type KeyedError, type TypeCheckError } from './typeErrors';

export type { TypeCheckError } from './typeErrors';

export interface TypeCheckResult {
  /** The checked file, absolute, with forward slashes (as every file name in the result). */
  file: string;
  /** Checked as `checkJs` would; whether its errors block an update is the caller's decision. */
  isJavaScript: boolean;
  /** The errors the change introduces, in the changed file first, then in callers; by position. */
  introduced: TypeCheckError[];
  /** Every error after the change in the files checked (`introduced` is a part of it). */
  errors: TypeCheckError[];
  /** Whether a previous text was known; when not, every error counts as introduced. */
  comparedWithPrevious: boolean;
  /**
   * Whether what other files see of it (its declarations) changed. When not, as for an edit
   * inside a function body whose types stay, no caller can break and none is checked.
   */
  exportsChanged: boolean;
  /** The files that import the changed file (directly, or through re-exports) and were checked. */
  callers: string[];
  /** The config file of the project, or `inferred:<js|ts>:<directory>`. */
  project: string;
  durationMs: number;
}

/** What the gate knows of one text of a file, remembered so the next check need not recompute it. */
interface CheckedState {
  text: string;
  /** The project's stamp with this text in place: anything else changing since makes it stale. */
  stamp: string;
  /** Its declaration output (undefined: none could be made, so treat every change as visible). */
  signature: string | undefined;
  ownErrors: KeyedError[];
  /** The callers' errors with this text, once computed (only when exports changed). */
  callers?: { files: string[]; errors: KeyedError[] };
}

/** At most this many files of a folder join an inferred project as neighbours. */
const MAX_NEIGHBOURS = 200;

export class TypeGate {
  /** Folders whose files already joined their inferred project. */
  private readonly neighboursAdded = new Set<string>();
  private readonly store = new SourceStore();
  // Shared by all projects: a lib file or a file in two projects is parsed once.
  private readonly registry = ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames);
  private readonly projects = new Map<string, Project>();
  /** Parsed configs, also those that turned out not to list the file (parsed again when edited). */
  private readonly configs = new Map<string, ProjectSpec>();
  /** The text that runs (or is open), per file: the "previous" text of its next check. */
  private readonly accepted = new Map<string, string>();
  /** Files whose overlay holds a checked text that was not (yet) accepted. */
  private readonly pending = new Set<string>();
  private readonly lastChecked = new Map<string, CheckedState>();

  /** A file the editor opened (or a target loaded) with this text: the baseline of its next check. */
  didOpen(file: string, text: string): void {
    const key = fileKey(file);
    this.remember(key, text);
    this.addWithNeighbours(this.projectFor(key), key);
  }

  /**
   * Builds the file's project and remembers the errors of its accepted (opened) text, so the first
   * save pays only for checking its own text: the cold start (lib files, first program) happens
   * while the user edits, not when they save.
   */
  warm(file: string): void {
    const key = fileKey(file);
    const text = this.accepted.get(key);
    if (text === undefined) return;
    const project = this.projectFor(key);
    this.addWithNeighbours(project, key);
    const state = this.stateOf(project, key, text);
    state.stamp = project.stamp();
    this.lastChecked.set(key, state);
  }

  /**
   * The engine applied an update with this text: it is now what runs, and what the next check
   * compares against. Not called for an update that was held, so a held text never becomes the
   * baseline and other files keep being checked against what runs.
   */
  accept(file: string, text: string): void {
    this.remember(fileKey(file), text);
  }

  /** The text the next check of `file` compares against, when known. */
  previousText(file: string): string | undefined {
    return this.accepted.get(fileKey(file));
  }

  /**
   * The type errors `newText` introduces compared with `previousText` (by default the accepted
   * text of the file; with none, every error counts), in the file and in the project's files
   * that import it.
   */
  check(file: string, newText: string, previousText?: string): TypeCheckResult {
    const started = performance.now();
    const key = fileKey(file);
    const previous = previousText ?? this.accepted.get(key);
    this.store.refreshDisk();
    this.restorePending(key);
    const project = this.projectFor(key);
    this.addWithNeighbours(project, key);

    // The state before the change: from the last check when nothing else changed since (the usual
    // check → accept → check sequence), else computed with the previous text in place.
    let before: CheckedState | undefined;
    if (previous !== undefined) {
      const cached = this.lastChecked.get(key);
      const valid = cached?.text === previous && this.store.overlayText(key) === previous && cached.stamp === project.stamp();
      before = valid ? cached : this.stateOf(project, key, previous);
    }
    const after = this.stateOf(project, key, newText);
    this.pending.add(key);

    // Callers can only break when what they see of the file changed (or when that is unknown).
    const exportsChanged = !before || before.signature === undefined || before.signature !== after.signature;
    if (exportsChanged) {
      // Who imports the file depends on the other files only: the same for both texts.
      const files = project.importersOf(key);
      if (before && !before.callers) this.addCallerErrors(project, key, before, files);
      this.addCallerErrors(project, key, after, files);
    }
    this.store.setOverlay(key, newText);
    after.stamp = project.stamp();
    this.lastChecked.set(key, after);

    const afterErrors = [...after.ownErrors, ...(exportsChanged ? after.callers?.errors ?? [] : [])];
    const beforeErrors = before ? [...before.ownErrors, ...(exportsChanged ? before.callers?.errors ?? [] : [])] : [];
    const errors = afterErrors.map((e) => e.error);
    return {
      file: key,
      isJavaScript: isJavaScriptFile(key),
      introduced: before ? introducedErrors(afterErrors, beforeErrors) : errors,
      errors,
      comparedWithPrevious: before !== undefined,
      exportsChanged,
      callers: exportsChanged ? after.callers?.files ?? [] : [],
      project: project.spec.key,
      durationMs: performance.now() - started,
    };
  }

  private remember(key: string, text: string): void {
    this.accepted.set(key, text);
    this.pending.delete(key);
    this.store.setOverlay(key, text);
  }

  /** A checked text that was not accepted stays out of the checks of other files: they see what runs. */
  private restorePending(except: string): void {
    for (const file of this.pending) {
      if (file === except) continue;
      const text = this.accepted.get(file);
      if (text === undefined) this.store.clearOverlay(file);
      else this.store.setOverlay(file, text);
      this.pending.delete(file);
    }
  }

  /** The file's own errors and declarations with `text` in place. */
  private stateOf(project: Project, key: string, text: string): CheckedState {
    this.store.setOverlay(key, text);
    const ownErrors = toKeyedErrors(project.errorsOf(key), 'changed-file').sort((x, y) => byPosition(x.error, y.error));
    return { text, stamp: project.stamp(), signature: project.apiSignature(key), ownErrors };
  }

  private addCallerErrors(project: Project, key: string, state: CheckedState, files: string[]): void {
    this.store.setOverlay(key, state.text);
    const errors = files.flatMap((caller) => toKeyedErrors(project.errorsOf(caller), 'caller').sort((x, y) => byPosition(x.error, y.error)));
    state.callers = { files, errors };
  }

  /**
   * Adds a file to its project. An inferred project (no config lists the file) knows only the
   * files it was shown, so it also takes the file's neighbours of the same language: the callers
   * a change can break are most often next to it.
   */
  private addWithNeighbours(project: Project, key: string): void {
    project.addRoot(key);
    if (project.spec.configFile !== undefined || this.neighboursAdded.has(path.dirname(key))) return;
    this.neighboursAdded.add(path.dirname(key));
    const js = isJavaScriptFile(key);
    let entries: string[];
    try {
      entries = fs.readdirSync(path.dirname(key));
    } catch {
      return;
    }
    for (const name of entries.slice(0, MAX_NEIGHBOURS)) {
      if (!/\.[cm]?[jt]sx?$/.test(name) || name.endsWith('.d.ts') || isJavaScriptFile(name) !== js) continue;
      project.addRoot(fileKey(path.join(path.dirname(key), name)));
    }
  }

  private projectFor(key: string): Project {
    const spec = this.specFor(key);
    let project = this.projects.get(spec.key);
    // A config edited since the project was made: make it again (the registry keeps the parses).
    if (project && project.spec.configMtimeMs !== spec.configMtimeMs) {
      project.service.dispose();
      this.projects.delete(spec.key);
      for (const k of this.lastChecked.keys()) this.lastChecked.delete(k);
      project = undefined;
    }
    if (!project) {
      project = new Project(spec, this.store, this.registry);
      this.projects.set(spec.key, project);
    }
    return project;
  }

  /** The project a file belongs to; a config is parsed again only when it changed on disk. */
  private specFor(key: string): ProjectSpec {
    for (const configFile of findConfigFiles(key)) {
      for (const candidate of [configFile, ...this.referencedConfigs(configFile)]) {
        const spec = this.configSpec(candidate);
        if (configCovers(spec, key)) return spec;
      }
    }
    const inferred = inferredSpec(key);
    return this.projects.get(inferred.key)?.spec ?? inferred;
  }

  private configSpec(configFile: string): ProjectSpec {
    const known = this.configs.get(configFile);
    if (known && known.configMtimeMs === configMtime(configFile)) return known;
    const spec = parseConfig(configFile);
    this.configs.set(configFile, spec);
    return spec;
  }

  /** The configs a solution-style tsconfig refers to (one level: how such roots are written). */
  private referencedConfigs(configFile: string): string[] {
    const refs = this.configSpec(configFile).projectReferences ?? [];
    return refs.map((ref) => fileKey(ts.resolveProjectReferencePath(ref)));
  }
}
