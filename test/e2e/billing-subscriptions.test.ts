import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app';
import {
  invoiceOf,
  startFakeStripe,
  stripeEventOf,
  stripeSignature,
  subscriptionOf,
  type FakeStripe,
} from '../support/fake-stripe';
import { Client } from 'pg';

const WEBHOOK_SECRET = 'whsec_test_subscriptions';
const DAY = 86_400;
const PRICES = { starter: 1_900, professional: 4_900, enterprise: 9_900 };

/** Issue 12, "Subscriptions": paid tiers through Stripe, driven by its signed webhooks. */
describe('tier subscriptions through Stripe', () => {
  let t: TestApp;
  let stripe: FakeStripe;
  let db: Client;
  const now = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await startTestApp({
      STRIPE_SECRET_KEY: 'sk_test_subscriptions',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.url,
    });
    db = new Client({ connectionString: t.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
    await stripe?.close();
  });

  const http = () => request(t.app.getHttpServer());
  const admin = () => t.token('admin-1', 'admin');

  function deliver(payload: string, signature = stripeSignature(payload, WEBHOOK_SECRET)) {
    return http()
      .post('/api/v1/billing/stripe/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signature)
      .send(payload);
  }

  async function checkout(userId: string, tier: string, key?: string) {
    const call = http()
      .post('/api/v1/billing/subscription/checkout')
      .set('Authorization', `Bearer ${t.token(userId, 'user')}`);
    if (key) call.set('Idempotency-Key', key);
    return call.send({ tier });
  }

  /** A paid subscription-mode session's subscription, for `tier`, in its first period. */
  async function subscribed(userId: string, tier: keyof typeof PRICES, periodStart = now) {
    const started = await checkout(userId, tier);
    expect(started.status).toBe(201);
    const session = stripe.sessions.get(started.body.session_id)!;
    return subscriptionOf(session, { id: `sub_${userId}`, unitAmount: PRICES[tier], periodStart });
  }

  const invoice = (
    subscription: Record<string, unknown>,
    id: string,
    amount: number,
    periodStart: number,
    billingReason = 'subscription_create',
  ) => invoiceOf(subscription, { id, billingReason, amount, periodStart, paid: true });

  async function tierOf(userId: string): Promise<string> {
    const account = await http()
      .get(`/api/v1/llm/credits/account?user_id=${userId}`)
      .set('Authorization', `Bearer ${admin()}`);
    return account.body.tier;
  }

  async function account(userId: string) {
    return (
      await http()
        .get(`/api/v1/llm/credits/account?user_id=${userId}`)
        .set('Authorization', `Bearer ${admin()}`)
    ).body;
  }

  async function subscriptionView(userId: string) {
    return (
      await http()
        .get('/api/v1/billing/subscription')
        .set('Authorization', `Bearer ${t.token(userId, 'user')}`)
    ).body;
  }

  async function grantsOf(userId: string) {
    const { rows } = await db.query<{ data: Record<string, string> }>(
      `SELECT data FROM events WHERE stream_name = $1 AND type = 'CreditsGranted' ORDER BY revision`,
      [`credit-account-${userId}`],
    );
    return rows.map((row) => row.data);
  }

  it('lists the tiers with their monthly price and included credits', async () => {
    const plans = await http()
      .get('/api/v1/billing/plans')
      .set('Authorization', `Bearer ${t.token('ann', 'user')}`);
    expect(plans.body).toEqual([
      { tier: 'free', price_cents: 0, included_credits_micros: '0' },
      { tier: 'starter', price_cents: 1_900, included_credits_micros: '5000000' },
      { tier: 'professional', price_cents: 4_900, included_credits_micros: '20000000' },
      { tier: 'enterprise', price_cents: 9_900, included_credits_micros: '50000000' },
    ]);
  });

  it('starts a Checkout Session in subscription mode at the tier price, naming the user for later events', async () => {
    const started = await checkout('ann', 'professional', 'sub-ann-1');
    expect(started.status).toBe(201);
    expect(started.body).toEqual({
      url: expect.stringMatching(/^https:\/\/checkout\.stripe\.test\//),
      session_id: expect.stringMatching(/^cs_test_/),
      tier: 'professional',
      price_cents: 4_900,
      included_credits_micros: '20000000',
    });
    const sent = stripe.requests.at(-1)!;
    expect(sent.headers['idempotency-key']).toBe('subscription:ann:sub-ann-1');
    expect(sent.form).toMatchObject({
      mode: 'subscription',
      client_reference_id: 'ann',
      'subscription_data[metadata][user_id]': 'ann',
      'subscription_data[metadata][tier]': 'professional',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '4900',
      'line_items[0][price_data][recurring][interval]': 'month',
    });
    const free = await checkout('ann', 'free');
    expect(free.status).toBe(400);
    const gold = await checkout('ann', 'gold');
    expect(gold.status).toBe(400);
  });

  it('answers a retried Idempotency-Key with the same session, and 422 when the body changed', async () => {
    const first = await checkout('ivy', 'starter', 'ivy-key');
    const again = await checkout('ivy', 'starter', 'ivy-key');
    expect(again.body.session_id).toBe(first.body.session_id);
    const other = await checkout('ivy', 'enterprise', 'ivy-key');
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toContain('application/problem+json');

    const purchase = (creditPackage: string) =>
      http()
        .post('/api/v1/llm/credits/purchase')
        .set('Authorization', `Bearer ${t.token('ivy', 'user')}`)
        .set('Idempotency-Key', 'ivy-purchase')
        .send({ package: creditPackage });
    expect((await purchase('starter-10')).status).toBe(201);
    expect((await purchase('starter-10')).status).toBe(201);
    expect((await purchase('scale-200')).status).toBe(422);
  });

  it('sets the tier when the subscription starts and grants the included credits once per paid invoice', async () => {
    const subscription = await subscribed('sam', 'professional');
    const created = await deliver(stripeEventOf('customer.subscription.created', subscription, now));
    expect(created.body).toMatchObject({ received: true, outcome: 'subscription_changed' });
    expect(await tierOf('sam')).toBe('professional');

    const paid = invoice(subscription, 'in_sam_1', 4_900, now);
    const payload = stripeEventOf('invoice.paid', paid, now + 60);
    const answers = [];
    for (let delivery = 0; delivery < 3; delivery++) answers.push((await deliver(payload)).body.outcome);
    // Stripe may also report the same invoice in a new event.
    answers.push((await deliver(stripeEventOf('invoice.paid', paid, now + 90))).body.outcome);
    expect(answers).toEqual(['credits_granted', 'already_applied', 'already_applied', 'already_applied']);
    expect(await grantsOf('sam')).toEqual([
      {
        userId: 'sam',
        amountMicros: '20000000',
        reason: 'credits included in the professional subscription, invoice in_sam_1',
        grantId: 'in_sam_1',
      },
    ]);
    expect((await account('sam')).balance_micros).toBe('20000000');
    expect(await subscriptionView('sam')).toEqual({
      user_id: 'sam',
      status: 'active',
      tier: 'professional',
      subscription_id: 'sub_sam',
      period_end: new Date((now + 30 * DAY) * 1000).toISOString(),
      scheduled_change: null,
      grace_until: null,
    });
    // A second subscription while one is in force would bill twice.
    expect((await checkout('sam', 'enterprise')).status).toBe(409);
  });

  it('applies an invoice that arrives before its subscription, and the late subscription event changes nothing', async () => {
    const subscription = await subscribed('rita', 'starter');
    const early = await deliver(
      stripeEventOf('invoice.paid', invoice(subscription, 'in_rita_1', 1_900, now), now),
    );
    expect(early.body.outcome).toBe('credits_granted');
    expect(await tierOf('rita')).toBe('starter');
    const late = await deliver(stripeEventOf('customer.subscription.created', subscription, now - 5));
    expect(late.body.outcome).toBe('already_applied');
    expect(await tierOf('rita')).toBe('starter');
    expect((await account('rita')).balance_micros).toBe('5000000');
  });

  it('keeps a downgrade until the period ends, then bills the lower tier and grants its credits', async () => {
    const subscription = await subscribed('dan', 'professional');
    await deliver(stripeEventOf('customer.subscription.created', subscription, now));
    await deliver(stripeEventOf('invoice.paid', invoice(subscription, 'in_dan_1', 4_900, now), now + 60));

    const downgraded = subscriptionOf(
      { subscription_data: { metadata: subscription.metadata }, client_reference_id: 'dan' },
      { id: 'sub_dan', unitAmount: PRICES.starter, periodStart: now },
    );
    const updated = stripeEventOf('customer.subscription.updated', downgraded, now + 3 * DAY);
    expect((await deliver(updated)).body.outcome).toBe('subscription_changed');
    expect(await tierOf('dan')).toBe('professional');
    expect((await subscriptionView('dan')).scheduled_change).toEqual({
      tier: 'starter',
      effective_at: new Date((now + 30 * DAY) * 1000).toISOString(),
    });
    // An older state delivered late (before the downgrade) changes nothing.
    expect(
      (await deliver(stripeEventOf('customer.subscription.updated', subscription, now + DAY))).body.outcome,
    ).toBe('already_applied');

    const renewal = invoice(downgraded, 'in_dan_2', 1_900, now + 30 * DAY, 'subscription_cycle');
    expect((await deliver(stripeEventOf('invoice.paid', renewal, now + 30 * DAY + 60))).body.outcome).toBe(
      'credits_granted',
    );
    expect(await tierOf('dan')).toBe('starter');
    expect((await grantsOf('dan')).map((grant) => grant.amountMicros)).toEqual(['20000000', '5000000']);
  });

  it('keeps the tier through the grace after a failed payment, and drops to free when the subscription ends', async () => {
    const subscription = await subscribed('fay', 'enterprise');
    await deliver(stripeEventOf('customer.subscription.created', subscription, now));
    const failed = invoiceOf(subscription, {
      id: 'in_fay_2',
      billingReason: 'subscription_cycle',
      amount: 9_900,
      periodStart: now + 30 * DAY,
      paid: false,
    });
    expect(
      (await deliver(stripeEventOf('invoice.payment_failed', failed, now + 30 * DAY))).body.outcome,
    ).toBe('subscription_changed');
    expect(await tierOf('fay')).toBe('enterprise');
    expect(await subscriptionView('fay')).toMatchObject({
      status: 'past_due',
      tier: 'enterprise',
      grace_until: new Date((now + 37 * DAY) * 1000).toISOString(),
    });

    const deleted = { ...subscription, status: 'canceled', ended_at: now + 40 * DAY };
    expect(
      (await deliver(stripeEventOf('customer.subscription.deleted', deleted, now + 40 * DAY))).body.outcome,
    ).toBe('subscription_changed');
    expect(await tierOf('fay')).toBe('free');
    // Nothing revives an ended subscription, whatever arrives late.
    expect(
      (await deliver(stripeEventOf('customer.subscription.updated', subscription, now + 41 * DAY))).body
        .outcome,
    ).toBe('already_applied');
    expect(await tierOf('fay')).toBe('free');
  });

  it('refuses forged, stale and tampered webhooks, and appends nothing', async () => {
    const subscription = await subscribed('mal', 'enterprise');
    const payload = stripeEventOf('customer.subscription.created', subscription, now);
    const before = await t.countEvents();
    expect((await deliver(payload, stripeSignature(payload, 'whsec_someone_else'))).status).toBe(400);
    // A captured delivery replayed after Stripe's five-minute tolerance.
    expect((await deliver(payload, stripeSignature(payload, WEBHOOK_SECRET, now - 3_600))).status).toBe(400);
    const tampered = payload.replace(`"unit_amount":${PRICES.enterprise}`, '"unit_amount":1900');
    expect(tampered).not.toBe(payload);
    expect((await deliver(tampered, stripeSignature(payload, WEBHOOK_SECRET))).status).toBe(400);
    expect(await t.countEvents()).toBe(before);
    expect(await tierOf('mal')).toBe('free');
  });

  it('refuses loudly a subscription whose price is none of our tiers', async () => {
    const started = await checkout('odd', 'starter');
    const session = stripe.sessions.get(started.body.session_id)!;
    const subscription = subscriptionOf(session, { id: 'sub_odd', unitAmount: 100, periodStart: now });
    const before = await t.countEvents();
    const refused = await deliver(stripeEventOf('customer.subscription.created', subscription, now));
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toContain('no tier costs 100 cents a month');
    expect(await t.countEvents()).toBe(before);
  });
});
