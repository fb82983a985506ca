// Where the built artefacts and fixtures are, from the bundled test file's point of view
// (tests run from dist/test/<area>/, the repository root is three levels up).
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const runtimeDir = path.join(repoRoot, 'dist', 'runtime');
export const serverEntry = path.join(repoRoot, 'dist', 'server', 'main.js');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const fixture = (...parts: string[]) => path.join(fixturesDir, ...parts);
