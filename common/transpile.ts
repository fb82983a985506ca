/**
 * The running text of a file whose syntax cannot run with only its types blanked: `import`/`export`
 * in a file that must be CommonJS, decorators (with `emitDecoratorMetadata`), JSX, enums,
 * namespaces, parameter properties, `import =`/`export =`. TypeScript's own compiler transforms it
 * (`transpileModule`, with the project's options: what tsc emits for that one file), and the
 * output is then laid out again so that every statement stands on its source line ("kept
 * lines"): generated lines a source line produced are joined onto that line, and blank lines are
 * added where the source had more. Only line breaks between tokens move, so the code means the
 * same (TypeScript's printer ends every statement with a semicolon, and comments are not emitted).
 *
 * Kept lines are what makes breakpoints stay right across updates: the debugger keeps the first
 * source map it saw for a script, and a map from each line to itself stays true for every later
 * version too (see runningText's identity map). Columns within a line may differ from the file's.
 *
 * Both sides call this with the same TypeScript build (the server bundles it, the runtime loads a
 * copy beside it), so both compute the same text byte for byte.
 */
import type * as TS from 'typescript';
import type { Position } from './patch';

export type TypeScriptApi = typeof TS;
export type ModuleFormat = 'module' | 'commonjs';

export interface TranspileInput {
  source: string;
  file: string;
  format: ModuleFormat;
  /** The project's `compilerOptions` as its tsconfig writes them (projectConfig.ts), and where that is. */
  compilerOptions: Record<string, unknown>;
  configDir: string;
}

export interface Transpiled {
  /** The code, its statements on their source lines (no scope accessor, no source map yet). */
  code: string;
  /** A position in `code` back to the source file's (the server places diagnostics with it). */
  toSource(position: Position): Position;
}

/** The compiler options of the transform: the project's, except what running the file here decides. */
export function transformOptions(ts: TypeScriptApi, input: Pick<TranspileInput, 'format' | 'compilerOptions' | 'configDir'>): TS.CompilerOptions {
  const { options: project } = ts.convertCompilerOptionsFromJson(input.compilerOptions, input.configDir);
  // Without a target, TypeScript 6 emits for the newest ECMAScript: class fields are defined.
  const projectTarget = project.target ?? ts.ScriptTarget.ES2022;
  return {
    ...project,
    // The format is the file's (package "type", extension, or the project's `module`), decided
    // before: the transform only writes it.
    module: input.format === 'commonjs' ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
    moduleResolution: undefined,
    moduleDetection: undefined,
    // Syntax every supported Node runs; newer syntax TypeScript would leave as written is
    // lowered (decorators above all). Class fields keep the semantics the project's target gives.
    target: ts.ScriptTarget.ES2022,
    useDefineForClassFields: project.useDefineForClassFields ?? projectTarget >= ts.ScriptTarget.ES2022,
    // A default import of a CommonJS package works as under tsx and Node (TypeScript 6's default).
    esModuleInterop: project.esModuleInterop ?? true,
    // JSX runs: `preserve` would leave it for a bundler that is not here.
    jsx: project.jsx === undefined || project.jsx === ts.JsxEmit.Preserve || project.jsx === ts.JsxEmit.ReactNative ? ts.JsxEmit.React : project.jsx,
    allowJs: true,
    isolatedModules: true,
    verbatimModuleSyntax: false,
    rewriteRelativeImportExtensions: false,
    // Helpers inline: the project may not have tslib installed.
    importHelpers: false,
    noEmitHelpers: false,
    removeComments: true,
    sourceMap: true,
    inlineSourceMap: false,
    inlineSources: false,
    declaration: false,
    declarationMap: false,
    composite: false,
    noEmit: false,
    emitDeclarationOnly: false,
    outDir: undefined,
    outFile: undefined,
    rootDir: undefined,
    paths: undefined,
    baseUrl: undefined,
    plugins: undefined,
  };
}

/** Transforms `input` with TypeScript and lays the result out on the source's lines. Throws on a syntax error. */
export function transpileKeepingLines(ts: TypeScriptApi, input: TranspileInput): Transpiled {
  const result = ts.transpileModule(input.source, { compilerOptions: transformOptions(ts, input), fileName: input.file, reportDiagnostics: true });
  const error = result.diagnostics?.find((d) => d.file && d.category === ts.DiagnosticCategory.Error);
  if (error?.file) {
    const { line, character } = error.file.getLineAndCharacterOfPosition(error.start ?? 0);
    const syntaxError = new SyntaxError(`${ts.flattenDiagnosticMessageText(error.messageText, '\n')} (${input.file}:${line + 1}:${character + 1})`);
    Object.defineProperty(syntaxError, 'location', { value: { file: input.file, line: line + 1, column: character + 1 }, enumerable: false });
    throw syntaxError;
  }
  const output = result.outputText.replace(/\n?\/\/# sourceMappingURL=[^\n]*\n?$/, '\n');
  const mappings = (JSON.parse(result.sourceMapText ?? '{"mappings":""}') as { mappings: string }).mappings;
  return keepLines(ts, output, decodeMappings(mappings));
}

/** One generated line's segments: [generated column, source line, source column]. */
type Segment = [number, number, number];

interface Chunk {
  /** Offsets in the generated code, and its first generated line. */
  start: number;
  end: number;
  generatedLine: number;
  /** The source line it belongs on, when it can be placed there. */
  target: number | undefined;
  /** Where it went in the result. */
  line: number;
  column: number;
}

/**
 * Lays generated code out on the source's lines. The code is cut at the line breaks between tokens
 * into chunks (a template literal's line breaks stay inside its chunk); each chunk's source line is
 * its first mapped segment's. The longest run of chunks whose source lines never go down keeps
 * them (others are hoisted code, such as `exports.f = f;` at the top, or `__decorate(…)` after a
 * class, which join the line before).
 */
function keepLines(ts: TypeScriptApi, code: string, lines: Segment[][]): Transpiled {
  const inside = lineBreaksInsideTokens(ts, code);
  const chunks: Chunk[] = [];
  let start = 0;
  let generatedLine = 0;
  let chunkLine = 0;
  for (let at = code.indexOf('\n'); ; at = code.indexOf('\n', at + 1)) {
    if (at !== -1 && inside.has(at)) {
      generatedLine++;
      continue;
    }
    const end = at === -1 ? code.length : at;
    if (end > start) chunks.push({ start, end, generatedLine: chunkLine, target: lines[chunkLine]?.[0]?.[1], line: 0, column: 0 });
    if (at === -1) break;
    start = at + 1;
    generatedLine++;
    chunkLine = generatedLine;
  }
  const placed = longestNonDecreasing(chunks.map((c) => c.target));
  let out = '';
  let line = 0;
  let column = 0;
  chunks.forEach((chunk, i) => {
    const text = code.slice(chunk.start, chunk.end);
    const target = placed.has(i) ? chunk.target! : -1;
    if (target > line) {
      out += '\n'.repeat(target - line);
      line = target;
      column = 0;
    } else if (column > 0) {
      // Joined onto the line: one space between (the chunk's own indentation is dropped).
      const trimmed = text.trimStart();
      chunk.start += text.length - trimmed.length;
      out += ' ';
      column++;
      chunk.line = line;
      chunk.column = column;
      append(trimmed);
      return;
    }
    chunk.line = line;
    chunk.column = column;
    append(text);
  });
  function append(text: string): void {
    out += text;
    const lastBreak = text.lastIndexOf('\n');
    if (lastBreak < 0) column += text.length;
    else {
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) line++;
      column = text.length - lastBreak - 1;
    }
  }
  return { code: out, toSource: (p) => sourcePosition(code, chunks, lines, p) };
}

/** The indices of a longest subsequence of defined values that never decreases (patience sorting). */
function longestNonDecreasing(values: (number | undefined)[]): Set<number> {
  const tails: number[] = []; // tails[k]: index of the smallest last value of a run of length k+1
  const previous = new Array<number>(values.length).fill(-1);
  values.forEach((value, i) => {
    if (value === undefined) return;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (values[tails[mid]!]! <= value) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[i] = tails[low - 1]!;
    tails[low] = i;
  });
  const kept = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i !== -1; i = previous[i]!) kept.add(i);
  return kept;
}

/** Offsets of line breaks inside string, template and regular expression literals of `code`. */
function lineBreaksInsideTokens(ts: TypeScriptApi, code: string): Set<number> {
  const out = new Set<number>();
  if (!/[`'"/]/.test(code)) return out;
  const file = ts.createSourceFile('output.js', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const literal = new Set([
    ts.SyntaxKind.StringLiteral,
    ts.SyntaxKind.NoSubstitutionTemplateLiteral,
    ts.SyntaxKind.TemplateHead,
    ts.SyntaxKind.TemplateMiddle,
    ts.SyntaxKind.TemplateTail,
    ts.SyntaxKind.RegularExpressionLiteral,
  ]);
  const visit = (node: TS.Node): void => {
    if (literal.has(node.kind)) {
      const start = node.getStart(file);
      for (let at = code.indexOf('\n', start); at !== -1 && at < node.end; at = code.indexOf('\n', at + 1)) out.add(at);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

function sourcePosition(code: string, chunks: Chunk[], lines: Segment[][], p: Position): Position {
  // The chunk the position falls in: the last one starting at or before it.
  let chunk: Chunk | undefined;
  for (const c of chunks) {
    if (c.line < p.line || (c.line === p.line && c.column <= p.column)) chunk = c;
    else break;
  }
  if (!chunk) return p;
  let generatedLine = chunk.generatedLine;
  let column: number;
  if (p.line === chunk.line) {
    // The chunk may have lost its indentation when it was joined onto the line.
    const indentation = chunk.start - lineStartBefore(code, chunk.start);
    column = indentation + (p.column - chunk.column);
  } else {
    generatedLine += p.line - chunk.line;
    column = p.column;
  }
  const segments = lines[generatedLine] ?? [];
  let best: Segment | undefined;
  for (const segment of segments) if (segment[0] <= column) best = segment;
  best ??= segments[0];
  return best ? { line: best[1], column: Math.max(0, best[2] + Math.max(0, column - best[0])) } : { line: p.line, column: p.column };
}

function lineStartBefore(code: string, offset: number): number {
  return code.lastIndexOf('\n', offset - 1) + 1;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Map([...BASE64].map((c, i) => [c, i]));

/**
 * A source map's `mappings` (Base64 VLQ, version 3) as segments per generated line. The runtime may
 * use no npm package, and this is the whole of the format it needs.
 */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  let i = 0;
  const vlq = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const digit = BASE64_VALUE.get(mappings[i++]!) ?? 0;
      result += (digit & 31) << shift;
      shift += 5;
      if (!(digit & 32)) break;
    }
    return result & 1 ? -(result >>> 1) : result >>> 1;
  };
  let column = 0;
  while (i <= mappings.length) {
    const c = mappings[i];
    if (c === undefined || c === ';') {
      lines.push(line);
      line = [];
      column = 0;
      i++;
      if (c === undefined) break;
      continue;
    }
    if (c === ',') {
      i++;
      continue;
    }
    column += vlq();
    if (i < mappings.length && mappings[i] !== ',' && mappings[i] !== ';') {
      vlq(); // source index (one source)
      sourceLine += vlq();
      sourceColumn += vlq();
      if (i < mappings.length && mappings[i] !== ',' && mappings[i] !== ';') vlq(); // name index
      line.push([column, sourceLine, sourceColumn]);
    }
  }
  return lines;
}
