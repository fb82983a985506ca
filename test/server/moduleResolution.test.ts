// Resolution of the user's imports where Node alone would not find them (common/moduleResolution.ts)
// and tsconfig reading (common/projectConfig.ts), on real files in a scratch folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { resolveAlias, resolveRelative } from '../../common/moduleResolution';
import { parseJsonWithComments, projectConfigFor } from '../../common/projectConfig';

function project(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-resolve-')));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('resolution of the user imports', () => {
  it('finds extensionless, folder and .js-for-.ts imports, TypeScript first', () => {
    const dir = project({ 'src/main.ts': '', 'src/greet.ts': '', 'src/greet.json': '', 'src/lib/index.ts': '', 'src/App.tsx': '', 'src/util.mts': '', 'src/pkg/package.json': '{"main":"entry.ts"}', 'src/pkg/entry.ts': '' });
    const main = path.join(dir, 'src/main.ts');
    assert.equal(resolveRelative('./greet', main), path.join(dir, 'src/greet.ts'));
    assert.equal(resolveRelative('./greet.js', main), path.join(dir, 'src/greet.ts'));
    assert.equal(resolveRelative('./lib', main), path.join(dir, 'src/lib/index.ts'));
    assert.equal(resolveRelative('./App.js', main), path.join(dir, 'src/App.tsx'));
    assert.equal(resolveRelative('./util.mjs', main), path.join(dir, 'src/util.mts'));
    assert.equal(resolveRelative('./pkg', main), path.join(dir, 'src/pkg/entry.ts'));
    assert.equal(resolveRelative('./missing', main), undefined);
    assert.equal(resolveRelative('express', main), undefined, 'packages are Node\'s');
  });

  it('follows tsconfig paths (longest prefix first) and baseUrl, through extends', () => {
    const dir = project({
      'tsconfig.base.json': '{ "compilerOptions": { "paths": { "@/*": ["./src/*"], "@/lib/*": ["./src/library/*"] } } }',
      'tsconfig.json': '{\n  // comments and trailing commas, as people write them\n  "extends": "./tsconfig.base.json",\n  "compilerOptions": { "strict": true, },\n}',
      'src/main.ts': '',
      'src/greet.ts': '',
      'src/library/x.ts': '',
      'other/tsconfig.json': '{ "compilerOptions": { "baseUrl": "./root" } }',
      'other/root/shared/util.ts': '',
      'other/main.ts': '',
    });
    assert.equal(resolveAlias('@/greet', path.join(dir, 'src/main.ts')), path.join(dir, 'src/greet.ts'));
    assert.equal(resolveAlias('@/lib/x', path.join(dir, 'src/main.ts')), path.join(dir, 'src/library/x.ts'));
    assert.equal(resolveAlias('@/nothing', path.join(dir, 'src/main.ts')), undefined);
    assert.equal(resolveAlias('shared/util', path.join(dir, 'other/main.ts')), path.join(dir, 'other/root/shared/util.ts'));
    assert.equal(resolveAlias('express', path.join(dir, 'other/main.ts')), undefined);
    assert.equal(projectConfigFor(path.join(dir, 'src/main.ts'))?.compilerOptions.strict, true);
  });

  it('reads JSON with comments and trailing commas without touching strings', () => {
    assert.deepEqual(parseJsonWithComments('{ "a": "// not a comment, }", /* c */ "b": [1, 2,], }'), { a: '// not a comment, }', b: [1, 2] });
  });
});
