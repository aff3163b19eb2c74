import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { browserAvailable, NARROW, screenshot } from '../support/browser';
import { CONSOLE_NODE_TIMEOUT_MS, type ConsoleNode, startConsoleNode } from '../support/console-node';

const maybe = browserAvailable() ? describe : describe.skip;

/** 21 grants to alice, 1 to 21 credits: one more than a page of the explorer. */
const GRANTS = 21;

/** The auditor's pages: the event explorer, NDJSON download, time travel and digests. */
maybe('the console for auditors', () => {
  let node: ConsoleNode;
  let auditor: Page;

  beforeAll(async () => {
    node = await startConsoleNode();
    for (let credits = 1; credits <= GRANTS; credits += 1) {
      await node.grantCredits('alice', `${credits}000000`, `grant ${credits}`);
    }
    auditor = await node.open(await node.signInLink('audra', 'auditor'));
    await auditor.getByTestId('signed-in-as').getByText('audra (auditor)').waitFor();
  }, CONSOLE_NODE_TIMEOUT_MS);

  afterAll(() => node?.stop());

  it('filters the log, pages through it, and names a bad filter on its field', async () => {
    await auditor.getByLabel('Stream').fill('credit-account-alice');
    await auditor.getByLabel('Event type').fill('CreditsGranted');
    await auditor.getByRole('button', { name: 'Apply filters' }).click();
    const rows = auditor.getByRole('table', { name: 'Events' }).getByTestId('event-row');
    await auditor.getByTestId('verification').getByText(`its ${GRANTS} events is intact`).waitFor();
    await rows.nth(19).waitFor();
    expect(await rows.count()).toBe(20);
    await screenshot(auditor, 'audit-events-1280');
    await node.expectAccessible(auditor);

    await auditor.getByRole('button', { name: 'Next' }).click();
    await rows.nth(1).waitFor({ state: 'detached' });
    expect(await rows.first().textContent()).toContain('20');
    await auditor.getByRole('button', { name: 'Previous' }).click();
    await rows.nth(19).waitFor();

    await rows.nth(2).click();
    const details = auditor.getByRole('dialog', { name: 'CreditsGranted – credit-account-alice revision 2' });
    expect(await details.getByTestId('event-json').textContent()).toContain('"amountMicros": "3000000"');
    await details.getByRole('button', { name: 'Close' }).click();
    await details.waitFor({ state: 'detached' });

    await auditor.getByLabel('Event type').fill('not a type!');
    await auditor.getByRole('button', { name: 'Apply filters' }).click();
    await auditor
      .locator('#filter-type-helper-text')
      .getByText(/type must be an event type name/)
      .waitFor();
    await auditor.getByLabel('Event type').fill('CreditsGranted');
  });

  it('downloads the filtered events as NDJSON, every one and nothing else', async () => {
    await auditor.getByRole('button', { name: 'Apply filters' }).click();
    await auditor.getByTestId('event-row').nth(19).waitFor();
    const [download] = await Promise.all([
      auditor.waitForEvent('download'),
      auditor.getByRole('button', { name: 'Download NDJSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('events.ndjson');
    const lines = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    const events = lines.map(
      (line) => JSON.parse(line) as { stream: string; type: string; revision: string },
    );
    expect(events).toHaveLength(GRANTS);
    expect(new Set(events.map((event) => `${event.stream} ${event.type}`))).toEqual(
      new Set(['credit-account-alice CreditsGranted']),
    );
    expect(events.map((event) => event.revision)).toEqual(
      Array.from({ length: GRANTS }, (_, revision) => String(revision)),
    );
  });

  it('travels back in time: an older revision shows the older balance', async () => {
    await auditor.getByRole('tab', { name: 'Time travel' }).click();
    await auditor.getByTestId('empty').waitFor();
    await auditor.getByLabel('User id').fill('alice');
    await auditor.getByRole('button', { name: 'Show history' }).click();
    // 1 + 2 + … + 21 credits.
    await auditor.getByTestId('state-balance').getByText('231.00').waitFor();
    const slider = auditor.getByRole('slider');
    await slider.focus();
    await auditor.keyboard.press('Home');
    await auditor.getByTestId('state-balance').getByText('1.00').waitFor();
    await auditor
      .getByTestId('state-as-of')
      .getByText(/Revision 0,/)
      .waitFor();
    await auditor.keyboard.press('ArrowRight');
    await auditor.getByTestId('state-balance').getByText('3.00').waitFor();
    await screenshot(auditor, 'audit-time-travel-1280');
    await node.expectAccessible(auditor);
  });

  it('travels back through a local user: locked now, merely created at revision 0', async () => {
    const admin = { Authorization: `Bearer ${node.apiToken('ops-admin', 'admin')}` };
    const created = await fetch(`${node.origin}/api/v1/local-users`, {
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'dave', groups: [] }),
    });
    expect(created.status).toBe(202);
    const locked = await fetch(`${node.origin}/api/v1/local-users/dave/lock`, {
      method: 'POST',
      headers: admin,
    });
    expect(locked.status).toBe(202);

    await auditor.getByRole('button', { name: 'Local user' }).click();
    await auditor.getByLabel('Username').fill('dave');
    await auditor.getByRole('button', { name: 'Show history' }).click();
    await auditor.getByTestId('state-account').getByText('locked').waitFor();
    await auditor.getByRole('slider').focus();
    await auditor.keyboard.press('Home');
    await auditor.getByTestId('state-account').getByText('exists').waitFor();
    await auditor
      .getByTestId('state-as-of')
      .getByText(/Revision 0,/)
      .waitFor();
  });

  it('signs a digest, lists it, and verifies the whole log against it', async () => {
    await auditor.getByRole('tab', { name: 'Digests' }).click();
    await auditor.getByText('Ed25519 key').waitFor();
    await auditor.getByRole('button', { name: 'Sign a digest now' }).click();
    await auditor
      .getByTestId('signed-digest')
      .getByText(/signed over \d+ streams/)
      .waitFor();
    await auditor.getByRole('table', { name: 'Digests' }).getByTestId('digest-row').first().waitFor();
    await auditor.getByRole('button', { name: 'Verify the whole log' }).click();
    const report = auditor.getByTestId('log-verification');
    await report.getByText(/Every chain holds/).waitFor({ timeout: 30_000 });
    expect(await report.textContent()).toMatch(/[1-9]\d* digests and [1-9]\d* signed heads checked/);
    await screenshot(auditor, 'audit-digests-1280');
    await node.expectAccessible(auditor);
    expect(node.errors.get(auditor)).toEqual([]);
  });

  it('is usable on a phone', async () => {
    const phone = await node.open(await node.signInLink('audra', 'auditor'), NARROW);
    await phone.getByRole('button', { name: 'Apply filters' }).waitFor();
    await phone.getByTestId('event-row').first().waitFor();
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone, 'audit-events-390');
    await node.expectAccessible(phone);
    await phone.context().close();
  });
});
