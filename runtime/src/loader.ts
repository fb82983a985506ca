// Loads the user's TypeScript through CommonJS so that the running script keeps the file's
// positions (types blanked, see stripTypes). JavaScript is left to Node untouched. Hooking
// `Module._extensions` is the established way (ts-node, tsx and pirates do the same).
import * as fs from 'node:fs';
import Module from 'node:module';
import { SourceRegistry } from './sources';
import { toRunningText } from './stripTypes';

interface CompilableModule {
  _compile(code: string, filename: string): unknown;
}
type ExtensionHandler = (module: CompilableModule, filename: string) => void;

const TYPESCRIPT_EXTENSIONS = ['.ts', '.cts'];

export function installTypeScriptLoader(registry: SourceRegistry): void {
  const extensions = (Module as unknown as { _extensions: Record<string, ExtensionHandler> })._extensions;
  const handler: ExtensionHandler = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const running = toRunningText(source, filename);
    registry.recordLoaded(filename, source, running.positionExact);
    module._compile(running.code, filename);
  };
  for (const ext of TYPESCRIPT_EXTENSIONS) extensions[ext] = handler;
}
