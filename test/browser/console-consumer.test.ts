import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { eventually } from '../support/app';
import { browserAvailable, NARROW, screenshot, WIDE } from '../support/browser';
import { CONSOLE_NODE_TIMEOUT_MS, type ConsoleNode, startConsoleNode } from '../support/console-node';
import { startFakeOpenAiProvider, type FakeProvider } from '../support/fake-providers';
import {
  checkoutSessionEvent,
  startFakeStripe,
  stripeSignature,
  type FakeStripe,
} from '../support/fake-stripe';

const maybe = browserAvailable() ? describe : describe.skip;

const PLATFORM_KEY = 'sk-proj-consolePlatformKey000000000000000001';
const CAROLS_KEY = 'sk-proj-consoleCarolsOwnKey00000000000005678';
const REFUSED_KEY = 'sk-proj-consoleRefusedKey000000000000000000';
const WEBHOOK_SECRET = 'whsec_console_consumer_test';

/** A balance as the console prints it (`1,019.99985`), as a number to compare. */
const amount = (text: string | null) => Number((text ?? '').replace(/,/g, ''));

/**
 * The API consumer's and finance's pages in Chromium, against the compiled single node with a fake
 * OpenAI as its only provider and a fake Stripe behind its billing.
 */
maybe("the console's API-consumer and finance pages in a real browser", () => {
  let node: ConsoleNode;
  let openai: FakeProvider;
  let stripe: FakeStripe;
  let carol: Page;

  beforeAll(async () => {
    openai = await startFakeOpenAiProvider({ name: 'openai', apiKey: PLATFORM_KEY });
    stripe = await startFakeStripe();
    node = await startConsoleNode({
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: PLATFORM_KEY,
      STRIPE_SECRET_KEY: 'sk_test_console',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.url,
    });
  }, CONSOLE_NODE_TIMEOUT_MS);

  afterAll(async () => {
    await node?.stop();
    await openai?.close();
    await stripe?.close();
  });

  it('sends a playground prompt at a power level, shows its route, model and cost, and charts the usage live', async () => {
    await node.grantCredits('carol', '20000000', 'console test');

    carol = await node.open(await node.signInLink('carol', 'user'));
    await carol.getByTestId('signed-in-as').getByText('carol (user)').waitFor();
    expect(new URL(carol.url()).pathname).toBe('/console/me');
    await carol.getByTestId('balance').getByText('20.00').waitFor();
    await carol.getByTestId('live-state').getByText('Live').waitFor();
    await carol.getByText('No requests in this period').first().waitFor();

    const levels = carol.getByRole('group', { name: 'Power level' });
    await carol.getByRole('textbox', { name: 'Prompt' }).fill('Say hello');
    // Eco's ceiling is below the cheapest model's worst case: the gateway's own words, not its JSON.
    await levels.getByRole('button', { name: 'eco' }).click();
    await carol.getByRole('button', { name: 'Send' }).click();
    await carol
      .locator('.MuiAlert-standardError')
      .getByText(/^no model fits the eco power level's ceiling/)
      .waitFor();

    await levels.getByRole('button', { name: 'precision' }).click();
    await carol.getByRole('button', { name: 'Send' }).click();
    const route = carol.getByTestId('playground-route');
    await route.waitFor();
    const text = await route.textContent();
    expect(text).toContain('x-ops-provider: openai');
    expect(text).toContain('x-ops-power-level: precision');
    expect(text).toMatch(/x-ops-model: [\w.-]+/);
    expect(text).toMatch(/x-ops-cost-micros: [1-9]\d*/);
    const completion = openai.requests.find((seen) => seen.path === '/v1/chat/completions');
    expect(completion?.headers.authorization).toBe(`Bearer ${PLATFORM_KEY}`);

    // No reload: the request's end reaches the page through the live feed, and the charts refetch.
    await carol
      .getByTestId('usage-totals')
      .getByText(/^1 request,/)
      .waitFor();
    await carol.getByTestId('usage-by-day').locator('.recharts-bar-rectangle').first().waitFor();
    await carol.getByTestId('usage-by-model').locator('.recharts-bar-rectangle').first().waitFor();
    await carol
      .getByRole('table', { name: 'Usage by model' })
      .getByRole('cell', { name: '1' })
      .first()
      .waitFor();
    await screenshot(carol, 'api-consumer-usage-1280');
    await node.expectAccessible(carol);
  });

  it("adds a BYOK key with the provider's check shown, puts a refused key's reason under its field, and removes the key", async () => {
    openai.acceptKey(CAROLS_KEY);
    const keyField = carol.getByLabel('Provider API key');

    await keyField.fill(REFUSED_KEY);
    await carol.getByRole('button', { name: 'Add key' }).click();
    await carol
      .locator('#add-byok-key p.Mui-error')
      .getByText(/OpenAI refused the key/)
      .waitFor();

    await keyField.fill(CAROLS_KEY);
    await carol.getByLabel('Label (optional)').fill('my own');
    await carol.getByRole('button', { name: 'Add key' }).click();
    const check = carol.getByTestId('byok-check');
    await check.getByText(/valid\. OpenAI accepted the key/).waitFor();
    const row = carol.getByTestId('byok-openai');
    await row.getByText('…5678').waitFor();
    await row.getByText('valid').waitFor();
    expect(await keyField.inputValue()).toBe('');
    expect(await carol.content()).not.toContain(CAROLS_KEY);
    await screenshot(carol, 'api-consumer-byok-1280');
    await node.expectAccessible(carol);

    await carol.getByRole('button', { name: 'Remove the openai key' }).click();
    await row.waitFor({ state: 'detached' });
    await carol.getByText('No provider keys yet').waitFor();
  });

  it("buys credits: the browser goes to Stripe Checkout's page, and the paid webhook raises the balance live", async () => {
    await carol.route('https://checkout.stripe.test/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>Checkout</title><h1>Stripe Checkout</h1>' }),
    );
    const balance = carol.getByTestId('balance');
    const before = amount(await balance.textContent());

    await carol.getByRole('button', { name: 'Buy 10.00 credits for $10.00' }).click();
    await carol.waitForURL(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
    const sessionId = new URL(carol.url()).pathname.split('/').pop()!;
    const session = stripe.sessions.get(sessionId)!;
    expect(session.metadata).toMatchObject({ user_id: 'carol', package: 'starter-10' });
    expect(session.amount_total).toBe(1000);

    await carol.goBack();
    await balance.waitFor();
    await carol.getByTestId('live-state').getByText('Live').waitFor();
    const payload = checkoutSessionEvent('checkout.session.completed', {
      ...session,
      status: 'complete',
      payment_status: 'paid',
    });
    const delivered = await fetch(`${node.origin}/api/v1/billing/stripe/webhook`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Stripe-Signature': stripeSignature(payload, WEBHOOK_SECRET),
      },
      body: payload,
    });
    expect(await delivered.json()).toMatchObject({ outcome: 'credited' });
    // No reload: the balance notice of the live feed refetches it.
    await eventually(
      async () => expect(amount(await balance.textContent())).toBeCloseTo(before + 10, 6),
      15_000,
    );
    await carol.setViewportSize(NARROW);
    await screenshot(carol, 'api-consumer-390');
    await node.expectAccessible(carol);
    expect(node.errors.get(carol)).toEqual([]);
  });

  let finance: Page;

  it("shows finance the usage chart, the ledger and the reconciliation, and marks an operator's change to a read model", async () => {
    finance = await node.open(await node.signInLink('fiona', 'finance'), WIDE);
    await finance.getByTestId('signed-in-as').getByText('fiona (finance)').waitFor();
    expect(new URL(finance.url()).pathname).toBe('/console/finance');

    await finance
      .getByRole('table', { name: 'Usage' })
      .getByRole('cell', { name: 'carol' })
      .first()
      .waitFor();
    await finance.getByTestId('finance-usage-chart').locator('.recharts-bar-rectangle').first().waitFor();
    const ledger = finance.getByRole('table', { name: 'Ledger' });
    await ledger.getByText('console test').waitFor();
    await ledger.getByRole('cell', { name: '10.00', exact: true }).waitFor();
    await finance
      .getByTestId('reconciliation-state')
      .getByText(/agree for every user/)
      .waitFor();

    // An operator's mistake: one credit more in the balance read model than the log says.
    await node.sql.query(
      "UPDATE credit_balances SET balance_micros = balance_micros + 1000000 WHERE user_id = 'carol'",
    );
    await finance.reload();
    const difference = finance.getByTestId('difference-balance-carol');
    await difference.waitFor();
    const marked = difference.locator('[data-differs="true"]');
    expect(await marked.count()).toBe(1);
    expect(await marked.textContent()).toMatch(/^credit_balances: [\d,.]+ ≠ events$/);
    await finance
      .getByTestId('reconciliation-state')
      .getByText(/1 difference\b/)
      .waitFor();
    await screenshot(finance, 'finance-reconciliation-1280');
    await node.expectAccessible(finance);
  });

  it('downloads the usage CSV, and re-prices the period with a draft price', async () => {
    const [download] = await Promise.all([
      finance.waitForEvent('download'),
      finance.getByRole('button', { name: 'Download the usage report as CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^usage-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      'user_id,external_subscription_id,day,provider,model,requests,failed_requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cache_write_1h_tokens,web_search_requests,cost_micros,list_cost_micros',
    );
    expect(csv).toMatch(/^carol,carol,\d{4}-\d{2}-\d{2},openai,/m);

    // What-if: a price the API refuses is named under its field; a dearer one shows the difference.
    const whatIf = finance.locator('#what-if');
    await whatIf.getByLabel('Provider').fill('openai');
    await whatIf.getByLabel('Model').fill('gpt-4o-mini');
    await whatIf.getByLabel('Input, USD per million tokens').fill('1.5e3');
    await whatIf.getByLabel('Output, USD per million tokens').fill('100');
    await whatIf.getByRole('button', { name: 'Simulate' }).click();
    await whatIf
      .locator('p.Mui-error')
      .getByText(/input_micros_per_million must be/)
      .waitFor();
    await whatIf.getByLabel('Input, USD per million tokens').fill('100');
    await whatIf.getByRole('button', { name: 'Simulate' }).click();
    await finance
      .getByTestId('what-if-totals')
      .getByText(/Nothing was stored/)
      .waitFor();
    expect(await finance.getByTestId('what-if-totals').textContent()).toMatch(/\(more: \+[\d.]+\)/);
    await finance.getByRole('table', { name: 'What-if per customer and model' }).getByText('carol').waitFor();
    await screenshot(finance, 'finance-what-if-1280');
    await node.expectAccessible(finance);

    await finance.setViewportSize(NARROW);
    await screenshot(finance, 'finance-390');
    await node.expectAccessible(finance);
    expect(node.errors.get(finance)).toEqual([]);
  });
});
