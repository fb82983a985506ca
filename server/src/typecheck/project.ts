// One project: its own incremental ts.LanguageService over the shared source store. The service
// keeps the last program and, when asked again, rebuilds only what changed: unchanged files keep
// their parsed and bound trees (shared between projects through the document registry), and module
// resolutions of unchanged files are reused.
import ts from 'typescript';
import { isJavaScriptFile, type ProjectSpec } from './projectConfig';
import { fileKey, type SourceStore } from './sourceStore';

export class Project {
  readonly service: ts.LanguageService;
  private readonly roots: Set<string>;
  private rootsVersion = 0;

  constructor(
    readonly spec: ProjectSpec,
    private readonly store: SourceStore,
    registry: ts.DocumentRegistry,
  ) {
    this.roots = new Set(spec.fileNames);
    const host: ts.LanguageServiceHost & { useSourceOfProjectReferenceRedirect(): boolean } = {
      getCompilationSettings: () => spec.options,
      // The store's generation covers every text; the roots version covers files joining.
      getProjectVersion: () => this.stamp(),
      getScriptFileNames: () => [...this.roots],
      getScriptVersion: (file) => store.version(fileKey(file)),
      getScriptSnapshot: (file) => store.snapshot(fileKey(file)),
      getCurrentDirectory: () => spec.directory,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      getProjectReferences: () => spec.projectReferences,
      // As in the editor: a referenced project is seen through its sources, not its (maybe
      // missing or stale) declaration output.
      useSourceOfProjectReferenceRedirect: () => true,
      fileExists: (file) => store.exists(fileKey(file)),
      readFile: (file) => store.text(fileKey(file)),
      readDirectory: (...args) => ts.sys.readDirectory(...args),
      directoryExists: (dir) => ts.sys.directoryExists(dir),
      getDirectories: (dir) => ts.sys.getDirectories(dir),
      realpath: (file) => ts.sys.realpath?.(file) ?? file,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
    };
    this.service = ts.createLanguageService(host, registry);
  }

  /** Makes a file part of the project (a file the config does not list, or any file of an inferred project). */
  addRoot(file: string): void {
    if (this.roots.has(file)) return;
    this.roots.add(file);
    this.rootsVersion++;
  }

  /** Changes whenever anything the project's answers depend on may have changed. */
  stamp(): string {
    return `${this.store.generation}:${this.rootsVersion}`;
  }

  program(): ts.Program {
    const program = this.service.getProgram();
    if (!program) throw new Error(`no program for ${this.spec.key}`);
    return program;
  }

  /** Syntax and type errors of one file (warnings and suggestions are not the gate's business). */
  errorsOf(file: string): ts.Diagnostic[] {
    const all = [...this.service.getSyntacticDiagnostics(file), ...this.service.getSemanticDiagnostics(file)];
    return all.filter((d) => d.category === ts.DiagnosticCategory.Error);
  }

  /**
   * What other files can see of `file`: its declaration output (as `tsc --declaration` would
   * write it), the same notion of a file's "signature" tsc's own incremental builder uses. When
   * an edit leaves it unchanged (a function body edit, the usual live update), no importer can
   * type-check differently, so their check is skipped. Undefined when it cannot be emitted.
   */
  apiSignature(file: string): string | undefined {
    const output = this.service.getEmitOutput(file, true, true);
    // `emitSkipped` is set under noEmit, yet the forced declaration output is there.
    if (output.outputFiles.length === 0) return undefined;
    return output.outputFiles.map((o) => o.text).join('\n');
  }

  /**
   * The project's files that import `file`: its callers, whose code may stop type-checking when
   * its exports change. A file that re-exports it (`export … from`, a barrel `index.ts`) passes
   * the change on, so its own importers count too.
   */
  importersOf(file: string): string[] {
    const program = this.program();
    const checker = program.getTypeChecker();
    const edges = new Map<string, Array<{ importer: string; reexport: boolean }>>();
    for (const sf of program.getSourceFiles()) {
      if (sf.isDeclarationFile || program.isSourceFileFromExternalLibrary(sf)) continue;
      for (const { specifier, reexport } of moduleSpecifiers(sf)) {
        const target = checker.getSymbolAtLocation(specifier)?.declarations?.find(ts.isSourceFile);
        if (!target || target === sf) continue;
        const list = edges.get(target.fileName) ?? [];
        list.push({ importer: sf.fileName, reexport });
        edges.set(target.fileName, list);
      }
    }
    const found = new Set<string>();
    const through = [file];
    const passedOn = new Set<string>([file]);
    while (through.length) {
      for (const { importer, reexport } of edges.get(through.pop()!) ?? []) {
        if (importer !== file) found.add(importer);
        if (reexport && !passedOn.has(importer)) {
          passedOn.add(importer);
          through.push(importer);
        }
      }
    }
    return [...found].sort();
  }
}

/**
 * The module specifiers of a file's imports and re-exports, and, in JavaScript, of its top-level
 * `require` calls (the CommonJS programs Live Update runs). Top level only: walking every
 * expression of every file would cost more than the check it serves.
 */
function moduleSpecifiers(sf: ts.SourceFile): Array<{ specifier: ts.StringLiteralLike; reexport: boolean }> {
  const out: Array<{ specifier: ts.StringLiteralLike; reexport: boolean }> = [];
  const js = isJavaScriptFile(sf.fileName);
  const requireOf = (expr: ts.Expression | undefined): ts.StringLiteralLike | undefined => {
    while (expr && ts.isPropertyAccessExpression(expr)) expr = expr.expression; // require('x').y
    if (!expr || !ts.isCallExpression(expr) || !ts.isIdentifier(expr.expression) || expr.expression.text !== 'require') return undefined;
    const [arg] = expr.arguments;
    return arg && ts.isStringLiteralLike(arg) ? arg : undefined;
  };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteralLike(st.moduleSpecifier)) {
      out.push({ specifier: st.moduleSpecifier, reexport: false });
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteralLike(st.moduleSpecifier)) {
      out.push({ specifier: st.moduleSpecifier, reexport: true });
    } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference) && ts.isStringLiteralLike(st.moduleReference.expression)) {
      out.push({ specifier: st.moduleReference.expression, reexport: hasExport(st) });
    } else if (js && ts.isVariableStatement(st)) {
      for (const decl of st.declarationList.declarations) {
        const specifier = requireOf(decl.initializer);
        if (specifier) out.push({ specifier, reexport: false });
      }
    } else if (js && ts.isExpressionStatement(st) && ts.isBinaryExpression(st.expression)) {
      // module.exports = require('./x'): a CommonJS re-export.
      const specifier = requireOf(st.expression.right);
      if (specifier) out.push({ specifier, reexport: true });
    }
  }
  return out;
}

const hasExport = (node: ts.ImportEqualsDeclaration): boolean => node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true;
