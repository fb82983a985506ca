// Which project a file belongs to, and with which compiler options: the nearest tsconfig.json or
// jsconfig.json up from the file (as the editor's own TypeScript service decides), or else an
// inferred project with defaults that suit a Node.js program.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { fileKey } from './sourceStore';

export interface ProjectSpec {
  /** The config file's path, or `inferred:<js|ts>:<directory>`. */
  key: string;
  configFile: string | undefined;
  /** Modification time of the config file when parsed: a change makes a new project. */
  configMtimeMs: number;
  /** Where relative paths and automatic `@types` lookups start. */
  directory: string;
  options: ts.CompilerOptions;
  /** The files the config names (none for an inferred project: files join as they are seen). */
  fileNames: ReadonlySet<string>;
  projectReferences: readonly ts.ProjectReference[] | undefined;
}

export const isJavaScriptFile = (file: string): boolean => /\.[cm]?jsx?$/.test(file);

/**
 * The gate checks JavaScript files as `checkJs` would, even where the config does not ask for it:
 * whether a JavaScript error blocks an update is the caller's decision, not the config's. A file
 * can still opt out with `// @ts-nocheck`. Only the files the gate asks about are affected.
 */
function gateOptions(options: ts.CompilerOptions): ts.CompilerOptions {
  return { ...options, checkJs: true, noEmit: true };
}

/**
 * Every tsconfig.json (else jsconfig.json) in the file's directory and above it, nearest first.
 * The nearest one that lists the file is its project, as in the editor; a config that excludes it
 * (a test folder excluding its fixtures, a solution-style root) passes it on to the next one up.
 */
export function findConfigFiles(file: string): string[] {
  const found: string[] = [];
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const candidate = path.join(dir, name);
      if (fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) {
        found.push(fileKey(candidate));
        break;
      }
    }
    if (path.dirname(dir) === dir) return found;
  }
}

export function configMtime(configFile: string): number {
  return fs.statSync(configFile, { throwIfNoEntry: false })?.mtimeMs ?? -1;
}

/**
 * What tsserver assumes for a jsconfig.json: it is there for JavaScript. Not strict unless it says
 * so (TypeScript 6 makes `strict` the default): a JavaScript project that never asked for checks
 * would otherwise get an implicit-any error on every parameter.
 */
const JSCONFIG_DEFAULTS: ts.CompilerOptions = { allowJs: true, maxNodeModuleJsDepth: 2, allowSyntheticDefaultImports: true, skipLibCheck: true, strict: false };

export function parseConfig(configFile: string): ProjectSpec {
  const existing = path.basename(configFile) === 'jsconfig.json' ? JSCONFIG_DEFAULTS : {};
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    // A broken config is still a project (with what could be read); its own errors are the
    // editor's business, not an update's.
    onUnRecoverableConfigFileDiagnostic: () => undefined,
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, existing, host);
  return {
    key: configFile,
    configFile,
    configMtimeMs: configMtime(configFile),
    directory: path.dirname(configFile),
    options: gateOptions(parsed?.options ?? existing),
    fileNames: new Set((parsed?.fileNames ?? []).map(fileKey)),
    projectReferences: parsed?.projectReferences,
  };
}

/** Whether the config lists the file (JavaScript is listed only where the config allows it). */
export function configCovers(spec: ProjectSpec, file: string): boolean {
  return spec.fileNames.has(file);
}

/**
 * An inferred project: one per package directory (the nearest package.json, else the file's own
 * directory) and per language, because `strict` suits TypeScript but would flood plain JavaScript
 * with implicit-any errors.
 */
export function inferredSpec(file: string): ProjectSpec {
  const js = isJavaScriptFile(file);
  const directory = packageDirectory(path.dirname(file)) ?? path.dirname(file);
  const options: ts.CompilerOptions = {
    allowJs: true,
    strict: !js,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    // TypeScript 6 no longer includes every @types package by default; "*" asks for them again
    // (node_modules/@types from the project directory up, when present).
    types: ['*'],
    // Programs run by Node's type stripping import `./x.ts`.
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    esModuleInterop: true,
  };
  return {
    key: `inferred:${js ? 'js' : 'ts'}:${fileKey(directory)}`,
    configFile: undefined,
    configMtimeMs: -1,
    directory: fileKey(directory),
    options: gateOptions(options),
    fileNames: new Set(),
    projectReferences: undefined,
  };
}

function packageDirectory(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.statSync(path.join(dir, 'package.json'), { throwIfNoEntry: false })?.isFile()) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
