import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { browserAvailable, NARROW, screenshot, WIDE } from '../support/browser';
import { CONSOLE_NODE_TIMEOUT_MS, type ConsoleNode, startConsoleNode } from '../support/console-node';

const maybe = browserAvailable() ? describe : describe.skip;

/**
 * The console as a person uses it: the compiled product started as `npm start` starts it, driven
 * in Debian's Chromium through playwright-core.
 */
maybe('the console in a real browser', () => {
  let node: ConsoleNode;
  let origin: string;

  beforeAll(async () => {
    node = await startConsoleNode();
    origin = node.origin;
  }, CONSOLE_NODE_TIMEOUT_MS);

  afterAll(() => node?.stop());

  const open = (url: string, viewport = WIDE) => node.open(url, viewport);
  const expectAccessible = (page: Page) => node.expectAccessible(page);

  let admin: Page;

  it('signs the first admin in with the link printed at start, which works only once', async () => {
    admin = await open(node.firstLink);
    await admin.getByTestId('signed-in-as').getByText('admin (admin)').waitFor();
    await admin.getByTestId('live-state').getByText('Live').waitFor();
    expect(new URL(admin.url()).pathname).toBe('/console/local-users');
    // The code left the address bar and the history once it was spent.
    expect(admin.url()).not.toContain('code=');

    const again = await open(node.firstLink);
    await again
      .getByRole('alert')
      .getByText(/already used/)
      .waitFor();
    await screenshot(again, 'sign-in-used-link');
    await again.context().close();
  });

  it('creates a local user in the dialog, shows the API field error, and sees it applied on the sandbox root', async () => {
    await admin.getByRole('button', { name: 'Create user' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Username').fill('Not A Name');
    await dialog.getByRole('button', { name: 'Create' }).click();
    // The problem+json answer names `username`: its message sits under that field.
    await dialog.locator('#create-user .Mui-error').first().waitFor();
    expect(await dialog.locator('p.Mui-error').first().textContent()).toMatch(/username/i);
    await screenshot(admin, 'local-users-create-error');

    await dialog.getByLabel('Username').fill('webuser');
    await dialog.getByLabel('Groups').fill('');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = admin.getByTestId('account-webuser');
    // No reload: the host's outcome arrives over the live feed.
    await row.getByTestId('account-state').getByText('applied').waitFor({ timeout: 30_000 });
    expect(readFileSync(join(node.dataDir, 'host-root', 'etc', 'passwd'), 'utf8')).toMatch(/^webuser:/m);
    await screenshot(admin, 'local-users-1280');
    await expectAccessible(admin);

    await row.click();
    await admin.getByRole('heading', { name: 'webuser on local' }).waitFor();
    await admin.getByRole('table', { name: 'History' }).getByText('LocalUserCreated').waitFor();
    await screenshot(admin, 'local-user-details-1280');
    await expectAccessible(admin);
  });

  it('grants credits and watches the balance change live, also when someone else grants', async () => {
    await admin.getByRole('tab', { name: 'Credits' }).click();
    await admin.getByTestId('empty').waitFor();
    await admin.getByLabel('User id').fill('bob');
    await admin.getByRole('button', { name: 'Find' }).click();
    const balance = admin.getByTestId('balance');
    await balance.getByText('0.00').waitFor();

    await admin.getByRole('textbox', { name: /^Credits/ }).fill('12.5');
    await admin.getByRole('textbox', { name: /^Reason/ }).fill('welcome');
    await admin.getByRole('button', { name: 'Grant' }).click();
    await balance.getByText('12.50').waitFor();

    // Another admin, through the API: the open page follows without a reload.
    await node.grantCredits('bob', '7500000', 'from the API');
    await balance.getByText('20.00').waitFor();
    await admin.getByRole('table', { name: 'Credit history' }).getByText('from the API').waitFor();
    await screenshot(admin, 'credits-1280');
    await expectAccessible(admin);

    await admin.setViewportSize(NARROW);
    await screenshot(admin, 'credits-390');
    await expectAccessible(admin);
    await admin.setViewportSize(WIDE);
  });

  it('shows a change that lands while the page is still loading what it changed', async () => {
    // The first read of dave's account answers late, with what it read before the grant below: the
    // grant's notice reaches the page while that read is in flight, and must not be folded into it.
    const isDavesAccount = (url: URL) =>
      url.pathname === '/api/v1/llm/credits/account' && url.searchParams.get('user_id') === 'dave';
    let askedAgain!: () => void;
    const secondRead = new Promise<void>((resolve) => (askedAgain = resolve));
    let firstRead: Promise<void> | null = null;
    await admin.route(isDavesAccount, (route) => {
      if (firstRead) {
        askedAgain();
        return route.continue();
      }
      firstRead = (async () => {
        const stale = await route.fetch();
        await node.grantCredits('dave', '3000000', 'while loading');
        // The page asks again once the notice arrives; without that, the stale answer stays on screen.
        await Promise.race([secondRead, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        await route.fulfill({ response: stale });
      })();
      return firstRead;
    });
    await admin.getByLabel('User id').fill('dave');
    await admin.getByRole('button', { name: 'Find' }).click();
    await admin.getByTestId('balance').getByText('3.00').waitFor({ timeout: 10_000 });
    await firstRead;
    await admin.unroute(isDavesAccount);
  });

  it('shows an API consumer their balance and a new API key once; provider health; finance its report', async () => {
    await admin.getByRole('tab', { name: 'My API access' }).click();
    await admin.getByTestId('balance').waitFor();
    await admin.getByRole('textbox', { name: /^Key name/ }).fill('laptop');
    await admin.getByRole('button', { name: 'Create key' }).click();
    const key = await admin.getByTestId('issued-key').textContent();
    expect(key).toMatch(/^sk-ops-/);
    await admin.getByRole('table', { name: 'API keys' }).getByText('laptop').waitFor();
    await screenshot(admin, 'api-consumer-1280');
    await expectAccessible(admin);
    // Shown once: after a reload only its prefix is left, anywhere on the page.
    await admin.reload();
    await admin.getByRole('table', { name: 'API keys' }).getByText('laptop').waitFor();
    expect(await admin.content()).not.toContain(key!);

    await admin.getByRole('tab', { name: 'Providers' }).click();
    await admin.getByRole('heading', { name: 'Providers' }).waitFor();
    await admin.getByRole('table', { name: 'Provider health' }).or(admin.getByTestId('empty')).waitFor();
    await expectAccessible(admin);

    await admin.getByRole('tab', { name: 'Finance' }).click();
    await admin.getByRole('heading', { name: 'Usage report' }).waitFor();
    await admin.getByRole('table', { name: 'Usage' }).or(admin.getByTestId('empty')).waitFor();
    await screenshot(admin, 'finance-1280');
    await expectAccessible(admin);
  });

  it('lets an auditor find the tampered event, and shows no page outside the role', async () => {
    const link = await node.signInLink('audrey', 'auditor');

    await node.sql.query(
      `UPDATE events SET data = jsonb_set(data, '{amountMicros}', '"900000000"') WHERE stream_name = $1 AND revision = 1`,
      ['credit-account-bob'],
    );
    const auditor = await open(link, NARROW);
    await auditor.getByTestId('signed-in-as').getByText('audrey (auditor)').waitFor();
    expect(new URL(auditor.url()).pathname).toBe('/console/audit');
    expect(await auditor.getByRole('tablist', { name: 'Pages' }).getByRole('tab').allTextContents()).toEqual([
      'Audit',
    ]);

    await auditor.getByLabel('Stream').fill('credit-account-bob');
    await auditor.getByRole('button', { name: 'Apply filters' }).click();
    await auditor.getByTestId('verification').getByText('the chain breaks at revision 1').waitFor();
    await screenshot(auditor, 'audit-tampered-390');
    await expectAccessible(auditor);

    await auditor.goto(`${origin}/console/local-users`);
    await auditor.getByTestId('forbidden').waitFor();
    await screenshot(auditor, 'forbidden-390');
    expect(node.errors.get(auditor)).toEqual([]);
  });

  it('signs out: the session token is refused from then on', async () => {
    const stored = await admin.evaluate<string>("sessionStorage.getItem('ops-console-session')");
    const token = (JSON.parse(stored) as { access_token: string }).access_token;
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await admin.getByText('Open a sign-in link').waitFor();
    const refused = await fetch(`${origin}/api/v1/console/me`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(refused.status).toBe(401);
    expect(node.errors.get(admin)).toEqual([]);
  });
});
