// Turns TypeScript source into the JavaScript that runs, keeping every position: types are
// replaced by whitespace (amaro, Node's own type stripper, bundled so Node 20 has it too). When the
// syntax cannot be blanked (enum, namespace, parameter properties, `import =`), it is transpiled
// with a source map instead, and positions move; the caller reports that loss.
//
import { pathToFileURL } from 'node:url';

// amaro (several MB of WebAssembly) is loaded only when the first TypeScript file is, so a
// JavaScript program pays nothing for it.

export interface RunningText {
  /** The text V8 compiles. */
  code: string;
  /** True when positions in `code` equal positions in the source. */
  positionExact: boolean;
}

interface Amaro {
  transformSync(code: string, options: object): { code: string; map?: string };
}

let amaro: Amaro | undefined;
function loadAmaro(): Amaro {
  // A copy of amaro's single-file build sits beside the runtime bundle (scripts/bundle.mjs).
  amaro ??= require('./amaro.js') as Amaro;
  return amaro;
}

export const isTypeScriptFile = (file: string): boolean => /\.[cm]?tsx?$/.test(file);

export function toRunningText(source: string, file: string): RunningText {
  if (!isTypeScriptFile(file)) return { code: source, positionExact: true };
  const fileUrl = pathToFileURL(file).href;
  try {
    const { code } = loadAmaro().transformSync(source, { mode: 'strip-only', filename: file });
    return { code: code + identitySourceMap(code, fileUrl), positionExact: true };
  } catch {
    const { code, map } = loadAmaro().transformSync(source, {
      mode: 'transform',
      sourceMap: true,
      filename: file,
    });
    const trailer = map ? inlineMapComment(withSources(map, fileUrl)) : '';
    return { code: code + trailer, positionExact: false };
  }
}

/**
 * A source map that maps each line to itself. The running text differs from the file on disk
 * (types are blanked), and js-debug only binds breakpoints in the file itself when a map points at
 * it. Lines beyond the current end are covered too, so the map stays right when a later update
 * makes the file longer (V8 keeps the first map js-debug saw).
 */
function identitySourceMap(code: string, fileUrl: string): string {
  let lines = 1;
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) lines++;
  const covered = lines * 2 + 200;
  const map = { version: 3, sources: [fileUrl], names: [], mappings: 'AAAA' + ';AACA'.repeat(covered - 1) };
  return inlineMapComment(JSON.stringify(map));
}

function withSources(mapJson: string, fileUrl: string): string {
  const map = JSON.parse(mapJson) as { sources?: string[]; sourcesContent?: unknown };
  map.sources = [fileUrl];
  delete map.sourcesContent;
  return JSON.stringify(map);
}

function inlineMapComment(json: string): string {
  return '\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,' + Buffer.from(json).toString('base64');
}

