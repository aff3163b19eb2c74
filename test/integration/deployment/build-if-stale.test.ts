import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../support/cli';

const SCRIPT = join(ROOT, 'scripts', 'build-if-stale.js');

/** What one `npm start` (or CLI script) does first, on the project at `root`: `built` or `fresh`. */
function buildIfStale(
  root: string,
  force = false,
): Promise<{ code: number; result: string; stderr: string }> {
  const call = `process.stdout.write(require(${JSON.stringify(SCRIPT)}).buildIfStale(${JSON.stringify(root)}, { force: ${force} }))`;
  return new Promise((done) =>
    execFile(process.execPath, ['-e', call], { timeout: 120_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? -1) : 0, result: stdout, stderr }),
    ),
  );
}

/** `npm start` skips the compiler when nothing changed; a change, or --force, compiles again. */
describe('scripts/build-if-stale.js', () => {
  let root: string;
  const source = (text: string) => writeFileSync(join(root, 'src', 'answer.ts'), text);
  const compiled = () => readFileSync(join(root, 'dist', 'answer.js'), 'utf8');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ops-build-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { outDir: './dist', module: 'commonjs', target: 'ES2022', strict: true, types: [] },
      }),
    );
    writeFileSync(
      join(root, 'tsconfig.build.json'),
      JSON.stringify({ extends: './tsconfig.json', include: ['src'] }),
    );
    source('export const answer: number = 41;\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('compiles once, then skips the compiler until a source changes', async () => {
    expect(await buildIfStale(root)).toMatchObject({ code: 0, result: 'built' });
    expect(compiled()).toContain('41');
    const builtAt = statSync(join(root, 'dist', 'answer.js')).mtimeMs;

    expect(await buildIfStale(root)).toMatchObject({ code: 0, result: 'fresh', stderr: '' });
    expect(statSync(join(root, 'dist', 'answer.js')).mtimeMs).toBe(builtAt);

    source('export const answer: number = 42;\n');
    expect(await buildIfStale(root)).toMatchObject({ code: 0, result: 'built' });
    expect(compiled()).toContain('42');
    writeFileSync(join(root, 'src', 'more.ts'), 'export const more = 1;\n');
    expect(await buildIfStale(root)).toMatchObject({ code: 0, result: 'built' });
    expect(await buildIfStale(root, true)).toMatchObject({ code: 0, result: 'built' });
  }, 120_000);

  it('keeps building while the sources do not compile', async () => {
    source('export const answer: number = "forty-two";\n');
    const failed = await buildIfStale(root);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('tsc -p tsconfig.build.json failed');
    expect((await buildIfStale(root)).code).not.toBe(0);
  }, 120_000);

  it('builds once when several commands start together on a fresh clone', async () => {
    const results = await Promise.all([buildIfStale(root), buildIfStale(root), buildIfStale(root)]);
    expect(results.map(({ code }) => code)).toEqual([0, 0, 0]);
    expect(results.map(({ result }) => result).sort()).toEqual(['built', 'fresh', 'fresh']);
    expect(compiled()).toContain('41');
  }, 120_000);
});
