import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { type Role, signLocalToken } from '@ops/infra/auth';
import { eventually } from './app';
import { launchChromium, seriousViolations, WIDE } from './browser';
import { buildIfStale, BUILD_TIMEOUT_MS, runCli } from './cli';
import { freePort } from './free-port';
import { createTestDatabase, type TestDatabase } from './postgres';
import { spawnSingleNode, type SingleNodeProcess } from './single-node-process';

export const SIGN_IN_LINK = /http:\/\/localhost:\d+\/console\/sign-in#code=[A-Za-z0-9_-]{43}/;
/** How long `startConsoleNode` may take: a build when the tree changed, then a cold start. */
export const CONSOLE_NODE_TIMEOUT_MS = BUILD_TIMEOUT_MS + 120_000;

/**
 * The compiled product started as `npm start` starts it, on its own database and data folder, with
 * Debian's Chromium to drive its console: what every browser suite stands on.
 */
export interface ConsoleNode {
  readonly origin: string;
  readonly dataDir: string;
  readonly database: TestDatabase;
  /** Direct SQL on the node's database, for what only an attacker or an operator would do. */
  readonly sql: Pool;
  /** The first admin's one-time sign-in link, as the node printed it at start ('' in keycloak mode). */
  readonly firstLink: string;
  readonly browser: Browser;
  /** Script errors and CSP refusals seen on each page opened with `open`. */
  readonly errors: Map<Page, string[]>;
  open(url: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** A new one-time sign-in link for `sub` with `role`, printed by `npm run console-link`. */
  signInLink(sub: string, role: Role): Promise<string>;
  /** A bearer token for the API, for what another client does beside the browser. */
  apiToken(sub: string, role: Role): string;
  /** Grants `userId` credits as an admin does through the API (not the browser); throws unless granted. */
  grantCredits(userId: string, amountMicros: string, reason: string): Promise<void>;
  expectAccessible(page: Page): Promise<void>;
  stop(): Promise<void>;
}

/** What the accessibility check reads of a page's running animations (the DOM's `Animation`). */
interface BrowserAnimation {
  playState: string;
  effect: { getTiming(): { iterations?: number } } | null;
}

export async function startConsoleNode(extraEnv: Record<string, string> = {}): Promise<ConsoleNode> {
  await buildIfStale();
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-console-'));
  const database = await createTestDatabase();
  const sql = new Pool({ connectionString: database.url, max: 2 });
  // The in-process agent's sandbox (DATA_DIR/host-root) is written as other users too.
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  // Only what a person would set: the runner's own settings (KAFKA_BROKERS, …) stay out.
  const node: SingleNodeProcess = spawnSingleNode({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'info',
    ...extraEnv,
  });
  // Keycloak mode prints no link (people sign in at the provider): the node is up once it answers.
  const firstLink = await eventually(async () => {
    if (extraEnv.AUTH_MODE === 'keycloak') {
      const config = await fetch(`${origin}/api/v1/console/config`).catch(() => null);
      if (!config?.ok) throw new Error(`not answering yet:\n${node.stdout}\n${node.stderr}`);
      return '';
    }
    const found = SIGN_IN_LINK.exec(node.stdout);
    if (!found) throw new Error(`no sign-in link printed yet:\n${node.stdout}\n${node.stderr}`);
    return found[0];
  }, 90_000);
  const browser = await launchChromium();
  const errors = new Map<Page, string[]>();

  const apiToken = (sub: string, role: Role): string =>
    signLocalToken(
      { sub, roles: [role], ttlSeconds: 600 },
      {
        secret: readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim(),
        issuer: 'ops-center',
        audience: 'ops-center',
      },
    );
  return {
    origin,
    dataDir,
    database,
    sql,
    firstLink,
    browser,
    errors,
    async open(url, viewport = WIDE) {
      const page = await (await browser.newContext({ viewport })).newPage();
      const seen: string[] = [];
      errors.set(page, seen);
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/.test(message.text())) seen.push(message.text());
      });
      page.on('pageerror', (error) => seen.push(error.message));
      await page.goto(url);
      return page;
    },
    async signInLink(sub, role) {
      const printed = await runCli('console-link', ['--sub', sub, '--role', role], {
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
      });
      const link = SIGN_IN_LINK.exec(printed.stdout)?.[0];
      if (printed.code !== 0 || !link) {
        throw new Error(`console-link failed (${printed.code}):\n${printed.stdout}\n${printed.stderr}`);
      }
      return link;
    },
    apiToken,
    async grantCredits(userId, amountMicros, reason) {
      const granted = await fetch(`${origin}/api/v1/llm/credits/grant`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${apiToken('ops-admin', 'admin')}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ user_id: userId, amount_micros: amountMicros, reason }),
      });
      if (granted.status !== 201) {
        throw new Error(`granting ${userId} credits answered ${granted.status}: ${await granted.text()}`);
      }
    },
    async expectAccessible(page) {
      // Colours are judged as shown: an element still fading in or out fails contrast on its way.
      // Endless animations (a spinner) never finish and change no colour.
      await page.waitForFunction(() =>
        (globalThis as unknown as { document: { getAnimations(): BrowserAnimation[] } }).document
          .getAnimations()
          .every(
            (animation) =>
              animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity,
          ),
      );
      expect(await seriousViolations(page)).toEqual([]);
    },
    async stop() {
      await browser.close();
      node.child.kill('SIGTERM');
      await node.exited;
      await sql.end();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
