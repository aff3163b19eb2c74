import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@ops/infra/config/app-config';
import { configureHttpApp } from '@ops/infra/http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SingleNodeModule } from '../../apps/api/src/single-node.module';
import { startFakeOpenAiProvider, type FakeProvider } from '../support/fake-providers';
import { freePort } from '../support/free-port';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { parseReadme, problemsOf, runInOneShell, type ShellBlock } from '../support/readme-blocks';

const ROOT = resolve(__dirname, '..', '..');
/** The reader's own Groq key of the BYOK step; the fake Groq accepts this one only. */
const MY_GROQ_KEY = 'gsk_readmeFirstPathKey00000000wxyz';

const readme = parseReadme(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const runnable = readme.blocks.filter((block) => block.marker?.run);

/** A fresh terminal: no secrets or database settings of the test run leak into the examples. */
function readerEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME ?? tmpdir(), LANG: 'C.UTF-8', ...extra };
}

describe('README: its shell examples run as written', () => {
  it('marks every shell block as run or skipped with a reason', () => {
    const unmarked = readme.blocks.filter((block) => block.marker === null).map((block) => block.line);
    expect({ unmarked, problems: readme.problems }).toEqual({ unmarked: [], problems: [] });
    // The first path alone has seven runnable steps; fewer means examples were dropped from the test.
    expect(runnable.length).toBeGreaterThanOrEqual(7);
  });

  it('reports a failing block with its README line and stops there', async () => {
    const block = (line: number, code: string): ShellBlock => ({
      line,
      code,
      marker: { run: true, expect: null },
    });
    const session = await runInOneShell(
      [block(10, 'GREETING=hello'), block(20, 'echo "$GREETING" && false'), block(30, 'echo never')],
      { cwd: ROOT, env: readerEnvironment({}), timeoutMs: 10_000 },
    );
    expect(session.exitCode).toBe(1);
    expect(session.blocks.map((outcome) => outcome.finished)).toEqual([true, false, false]);
    const problems = problemsOf(session);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^README line 20: the block failed \(bash exited 1\)\necho "\$GREETING"/);
    expect(problems[0]).toContain('--- stdout ---\nhello');
  });

  describe('against a single node started as the first path says', () => {
    let database: TestDatabase;
    let dataDir: string;
    let app: INestApplication;
    let ollama: FakeProvider;
    let groq: FakeProvider;
    let port: number;

    beforeAll(async () => {
      // Step 1 starts the node with a local Ollama; these speak Ollama's and Groq's OpenAI wire format.
      ollama = await startFakeOpenAiProvider({ name: 'ollama', apiKey: null });
      groq = await startFakeOpenAiProvider({ name: 'groq', apiKey: MY_GROQ_KEY });
      database = await createTestDatabase();
      dataDir = mkdtempSync(join(tmpdir(), 'ops-readme-'));
      port = await freePort();
      // No JWT_SECRET: the node keeps its own in DATA_DIR, where `npm run token` must find it.
      const config = loadConfig({
        PORT: String(port),
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        LOG_LEVEL: 'silent',
        OLLAMA_BASE_URL: ollama.baseUrl,
        GROQ_BASE_URL: groq.baseUrl,
      });
      app = await NestFactory.create(SingleNodeModule.forRoot(config), {
        logger: false,
        abortOnError: false,
      });
      configureHttpApp(app, config);
      await app.listen(port);
    });

    afterAll(async () => {
      await app?.close();
      await database?.drop();
      await ollama?.close();
      await groq?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('runs every runnable block in order in one bash session, each exiting 0 with output', async () => {
      const session = await runInOneShell(runnable, {
        cwd: ROOT,
        env: readerEnvironment({ PORT: String(port), DATA_DIR: dataDir, MY_GROQ_KEY }),
        timeoutMs: 75_000,
      });
      expect(problemsOf(session)).toEqual([]);
      expect(session.exitCode).toBe(0);

      // The gateway steps reached real upstreams: the platform's Ollama, then Groq with the reader's key.
      const completions = (provider: FakeProvider) =>
        provider.requests.filter((request) => request.path === '/v1/chat/completions');
      expect(completions(ollama).length).toBeGreaterThan(0);
      expect(completions(groq).map((request) => request.headers.authorization)).toContain(
        `Bearer ${MY_GROQ_KEY}`,
      );
    }, 90_000);
  });
});
