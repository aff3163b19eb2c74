import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app';
import { buildIfStale, BUILD_TIMEOUT_MS, ROOT } from '../support/cli';

const BUDGET_BYTES = 300 * 1024;
const CONSOLE = join(ROOT, 'dist', 'console');

/** What a first visit downloads: the scripts and styles index.html names (lazy pages load later). */
function initialAssets(): string[] {
  const html = readFileSync(join(CONSOLE, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(?:js|css))"/g)].map(
    (match) => match[1],
  );
}

describe('the console bundle', () => {
  beforeAll(() => buildIfStale(), BUILD_TIMEOUT_MS);

  it(`loads at most ${BUDGET_BYTES / 1024} KB gzipped on a first visit; charts come later`, () => {
    const assets = initialAssets();
    expect(assets.length).toBeGreaterThan(0);
    const sizes = assets.map((asset) => gzipSync(readFileSync(join(CONSOLE, asset)), { level: 9 }).length);
    const total = sizes.reduce((sum, size) => sum + size, 0);
    console.log(`console initial bundle: ${(total / 1024).toFixed(1)} KB gzipped (${assets.join(', ')})`);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
    // recharts is in a chunk of its own page, not in what every page loads.
    for (const asset of assets) expect(readFileSync(join(CONSOLE, asset), 'utf8')).not.toContain('recharts');
  });
});

/** The API process serves the build at /console, under the API's own security headers. */
describe('the console served at /console', () => {
  let t: TestApp;

  beforeAll(async () => {
    await buildIfStale();
    t = await startTestApp();
  }, BUILD_TIMEOUT_MS);
  afterAll(() => t?.close());

  it('answers any page path with the single page, uncached, and assets for good', async () => {
    const http = t.app.getHttpServer();
    const page = await request(http).get('/console/local-users/local/alice').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.text).toContain('<div id="root">');
    // helmet's CSP: scripts from this origin only, which is all the bundle needs.
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).not.toMatch(/<script(?![^>]*src=)/);

    const [asset] = initialAssets();
    const served = await request(http).get(`/console/${asset}`).expect(200);
    expect(served.headers['cache-control']).toContain('immutable');
    await request(http).get('/console/assets/missing.js').expect(404);
    expect(existsSync(join(CONSOLE, 'index.html'))).toBe(true);
  });
});
