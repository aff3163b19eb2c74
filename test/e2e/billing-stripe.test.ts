import { creditAccountStream } from '@ops/domain';
import { EVENT_STORE, type EventStore } from '@ops/infra/event-store/event-store';
import Stripe from 'stripe';
import request from 'supertest';
import { eventually, startTestApp, type TestApp } from '../support/app';
import {
  chargeRefundedEvent,
  checkoutSessionEvent,
  disputeCreatedEvent,
  startFakeStripe,
  stripeSignature,
  type FakeStripe,
} from '../support/fake-stripe';
import { startGatewayApp, type GatewayTestApp } from '../support/gateway';

const WEBHOOK_SECRET = 'whsec_test_e2e_secret';

describe('credit purchases through Stripe Checkout', () => {
  let t: TestApp;
  let stripe: FakeStripe;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await startTestApp({
      STRIPE_SECRET_KEY: 'sk_test_e2e',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.url,
      STRIPE_SUCCESS_URL: 'https://ops.example/billing/done',
    });
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
  });

  const http = () => request(t.app.getHttpServer());

  async function startPurchase(
    userId: string,
    creditPackage = 'starter-10',
  ): Promise<Record<string, unknown>> {
    const response = await http()
      .post('/api/v1/llm/credits/purchase')
      .set('Authorization', `Bearer ${t.token(userId, 'user')}`)
      .send({ package: creditPackage });
    expect(response.status).toBe(201);
    return stripe.sessions.get(response.body.session_id)!;
  }

  function deliver(payload: string, secret = WEBHOOK_SECRET) {
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    return http()
      .post('/api/v1/billing/stripe/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signature)
      .send(payload);
  }

  async function purchasesOf(userId: string): Promise<number> {
    const events = await t.app.get<EventStore>(EVENT_STORE).readStream(creditAccountStream(userId));
    return events.filter((event) => event.type === 'CreditsPurchased').length;
  }

  it('lists the configured packages to buyers and finance, not to other roles', async () => {
    const listed = await http()
      .get('/api/v1/billing/credit-packages')
      .set('Authorization', `Bearer ${t.token('ann', 'user')}`);
    expect(listed.status).toBe(200);
    expect(listed.body.map((entry: { id: string }) => entry.id)).toEqual([
      'starter-10',
      'team-50',
      'scale-200',
    ]);
    expect(listed.body[1]).toEqual({
      id: 'team-50',
      name: 'Team: 50 USD of credits',
      price_cents: 5000,
      credits_micros: '50000000',
    });
    const auditor = await http()
      .get('/api/v1/billing/credit-packages')
      .set('Authorization', `Bearer ${t.token('audrey', 'auditor')}`);
    expect(auditor.status).toBe(403);
  });

  it('starts a Checkout Session for a configured package and returns its URL', async () => {
    const response = await http()
      .post('/api/v1/llm/credits/purchase')
      .set('Authorization', `Bearer ${t.token('ann', 'user')}`)
      .set('Idempotency-Key', 'buy-1')
      .send({ package: 'team-50' });

    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      url: expect.stringMatching(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/),
      session_id: expect.stringMatching(/^cs_test_/),
      package: 'team-50',
      price_cents: 5000,
      credits_micros: '50000000',
    });
    const sent = stripe.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer sk_test_e2e');
    expect(sent.headers['idempotency-key']).toBe('credit-purchase:ann:buy-1');
    expect(sent.form).toMatchObject({
      mode: 'payment',
      client_reference_id: 'ann',
      'metadata[user_id]': 'ann',
      'metadata[package]': 'team-50',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '5000',
      'line_items[0][quantity]': '1',
      'payment_intent_data[metadata][user_id]': 'ann',
      'payment_intent_data[metadata][package]': 'team-50',
      success_url: 'https://ops.example/billing/done',
    });
  });

  it('refuses an unknown package, listing the known ones, without calling Stripe', async () => {
    const before = stripe.requests.length;
    const response = await http()
      .post('/api/v1/llm/credits/purchase')
      .set('Authorization', `Bearer ${t.token('ann', 'user')}`)
      .send({ package: 'platinum-1000' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      {
        field: 'package',
        message: expect.stringContaining('known packages: starter-10, team-50, scale-200'),
      },
    ]);
    expect(stripe.requests).toHaveLength(before);
  });

  it('refuses a client-chosen amount and callers without the user or admin role', async () => {
    const withAmount = await http()
      .post('/api/v1/llm/credits/purchase')
      .set('Authorization', `Bearer ${t.token('ann', 'user')}`)
      .send({ package: 'starter-10', amount_micros: '1' });
    expect(withAmount.status).toBe(400);
    const auditor = await http()
      .post('/api/v1/llm/credits/purchase')
      .set('Authorization', `Bearer ${t.token('audrey', 'auditor')}`)
      .send({ package: 'starter-10' });
    expect(auditor.status).toBe(403);
  });

  it('credits a paid session once, however often Stripe delivers the event', async () => {
    const session = await startPurchase('bea');
    const payload = checkoutSessionEvent('checkout.session.completed', {
      ...session,
      status: 'complete',
      payment_status: 'paid',
    });

    const answers = [];
    for (let delivery = 0; delivery < 3; delivery++) answers.push(await deliver(payload));
    expect(answers.map((answer) => [answer.status, answer.body.outcome])).toEqual([
      [200, 'credited'],
      [200, 'already_credited'],
      [200, 'already_credited'],
    ]);
    expect(await purchasesOf('bea')).toBe(1);
    const balance = await eventually(async () => {
      const response = await http()
        .get('/api/v1/llm/credits')
        .set('Authorization', `Bearer ${t.token('bea', 'user')}`);
      expect(response.body.balance_micros).toBe('10000000');
      return response.body.balance_micros;
    });
    expect(balance).toBe('10000000');
  });

  it('credits a delayed payment when it succeeds, not when the session completes unpaid', async () => {
    const session = await startPurchase('cleo', 'scale-200');
    const unpaid = await deliver(
      checkoutSessionEvent('checkout.session.completed', { ...session, status: 'complete' }),
    );
    expect(unpaid.body.outcome).toBe('awaiting_payment');
    expect(await purchasesOf('cleo')).toBe(0);

    const paid = await deliver(
      checkoutSessionEvent('checkout.session.async_payment_succeeded', {
        ...session,
        status: 'complete',
        payment_status: 'paid',
      }),
    );
    expect(paid.body.outcome).toBe('credited');
    const [purchase] = (
      await t.app.get<EventStore>(EVENT_STORE).readStream(creditAccountStream('cleo'))
    ).filter((event) => event.type === 'CreditsPurchased');
    expect(purchase.data).toEqual({
      userId: 'cleo',
      amountMicros: '200000000',
      package: 'scale-200',
      externalId: session.id,
      paymentIntentId: session.payment_intent,
    });
    expect(purchase.metadata.actor).toBe('stripe');
  });

  it('refuses forged, unsigned and replayed-with-other-body webhooks and appends nothing', async () => {
    const session = await startPurchase('dora');
    const payload = checkoutSessionEvent('checkout.session.completed', {
      ...session,
      payment_status: 'paid',
    });
    const before = await t.countEvents();

    const forged = await deliver(payload, 'whsec_someone_else');
    expect(forged.status).toBe(400);
    const unsigned = await http()
      .post('/api/v1/billing/stripe/webhook')
      .set('Content-Type', 'application/json')
      .send(payload);
    expect(unsigned.status).toBe(400);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const tampered = await http()
      .post('/api/v1/billing/stripe/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signature)
      .send(payload.replace('"starter-10"', '"scale-200"'));
    expect(tampered.status).toBe(400);
    expect(tampered.headers['content-type']).toContain('application/problem+json');

    expect(await t.countEvents()).toBe(before);
    expect(await purchasesOf('dora')).toBe(0);
  });

  it('refuses loudly a paid session whose amount is not the price of its package', async () => {
    const session = await startPurchase('eve');
    const before = await t.countEvents();
    const response = await deliver(
      checkoutSessionEvent('checkout.session.completed', {
        ...session,
        payment_status: 'paid',
        amount_total: 1,
      }),
    );
    expect(response.status).toBe(422);
    expect(response.body.detail).toContain('amount_total 1 differs from the price of starter-10');
    expect(await t.countEvents()).toBe(before);
  });

  it('acknowledges event types it does not act on', async () => {
    const response = await deliver(
      JSON.stringify({ id: 'evt_other', object: 'event', type: 'customer.created', data: { object: {} } }),
    );
    expect(response.body).toEqual({ received: true, outcome: 'ignored' });
  });
});

describe('credit purchases without a Stripe account', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 with a clear message to purchases and webhooks', async () => {
    const purchase = await request(t.app.getHttpServer())
      .post('/api/v1/llm/credits/purchase')
      .set('Authorization', `Bearer ${t.token('ann', 'user')}`)
      .send({ package: 'starter-10' });
    expect(purchase.status).toBe(503);
    expect(purchase.body.detail).toContain('STRIPE_SECRET_KEY');
    const webhook = await request(t.app.getHttpServer())
      .post('/api/v1/billing/stripe/webhook')
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(webhook.status).toBe(503);
  });
});

/** Issue 10, item 4: credits bought, spent and charged back must not stay spent for free. */
describe('refunds and disputes revoke purchased credits', () => {
  let gateway: GatewayTestApp;
  let stripe: FakeStripe;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    gateway = await startGatewayApp({
      STRIPE_SECRET_KEY: 'sk_test_e2e',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.url,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await stripe?.close();
  });

  const http = () => request(gateway.app.getHttpServer());

  function deliver(payload: string) {
    return http()
      .post('/api/v1/billing/stripe/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', stripeSignature(payload, WEBHOOK_SECRET))
      .send(payload);
  }

  /** Buys the starter package (10 USD) through Checkout; returns the paid session. */
  async function buy(userId: string): Promise<Record<string, unknown>> {
    const started = await http()
      .post('/api/v1/llm/credits/purchase')
      .set('Authorization', `Bearer ${gateway.token(userId, 'user')}`)
      .send({ package: 'starter-10' });
    expect(started.status).toBe(201);
    const session = {
      ...stripe.sessions.get(started.body.session_id)!,
      status: 'complete',
      payment_status: 'paid',
    };
    const credited = await deliver(checkoutSessionEvent('checkout.session.completed', session));
    expect(credited.body.outcome).toBe('credited');
    return session;
  }

  /** One gateway request; returns what it was charged. */
  async function spend(userId: string): Promise<bigint> {
    const answered = await gateway
      .sdk(userId)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'say hello' }] })
      .withResponse();
    return BigInt(answered.response.headers.get('x-ops-cost-micros')!);
  }

  const ask = (userId: string) =>
    gateway
      .sdk(userId)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] });

  async function revocations(userId: string) {
    return (await gateway.events(`credit-account-${userId}`)).filter(
      (event) => event.type === 'CreditsRevoked',
    );
  }

  it('a refund of spent credits revokes the purchase once, leaves the balance below zero, and refuses requests', async () => {
    const session = await buy('refunder');
    const spent = await spend('refunder');
    expect(spent).toBeGreaterThan(0n);

    const refund = chargeRefundedEvent(session, 1000);
    const answers = [];
    for (let delivery = 0; delivery < 3; delivery++) answers.push((await deliver(refund)).body.outcome);
    expect(answers).toEqual(['revoked', 'already_revoked', 'already_revoked']);
    // A second event reporting the same refunded total (Stripe sends a new event id) revokes nothing more.
    expect((await deliver(chargeRefundedEvent(session, 1000))).body.outcome).toBe('already_revoked');

    const revoked = await revocations('refunder');
    expect(revoked).toHaveLength(1);
    expect(revoked[0].data).toEqual({
      userId: 'refunder',
      amountMicros: '10000000',
      reason: `refund ch_${String(session.payment_intent).slice(3)} of payment ${String(session.payment_intent)}`,
      paymentIntentId: session.payment_intent,
      trigger: 'refund',
    });
    expect((await gateway.account('refunder')).balance_micros).toBe((-spent).toString());
    await expect(ask('refunder')).rejects.toMatchObject({ status: 402, code: 'insufficient_credits' });
  });

  it('a partial refund revokes its share of the credits, and a later full refund the rest', async () => {
    const session = await buy('partial');
    expect((await deliver(chargeRefundedEvent(session, 250))).body.outcome).toBe('revoked');
    expect((await gateway.account('partial')).balance_micros).toBe('7500000');
    expect((await deliver(chargeRefundedEvent(session, 1000))).body.outcome).toBe('revoked');
    expect((await gateway.account('partial')).balance_micros).toBe('0');
    expect((await revocations('partial')).map((event) => event.data.amountMicros)).toEqual([
      '2500000',
      '7500000',
    ]);
  });

  it('a dispute revokes the whole purchase once, even when the credits were spent', async () => {
    const session = await buy('disputer');
    const spent = await spend('disputer');
    const dispute = disputeCreatedEvent(session);
    expect((await deliver(dispute)).body.outcome).toBe('revoked');
    expect((await deliver(dispute)).body.outcome).toBe('already_revoked');
    const revoked = await revocations('disputer');
    expect(revoked).toHaveLength(1);
    expect(revoked[0].data).toMatchObject({ amountMicros: '10000000', trigger: 'dispute' });
    expect((await gateway.account('disputer')).balance_micros).toBe((-spent).toString());
    await expect(ask('disputer')).rejects.toMatchObject({ status: 402, code: 'insufficient_credits' });
    await eventually(async () => {
      const balance = await http()
        .get('/api/v1/llm/credits')
        .set('Authorization', `Bearer ${gateway.token('disputer', 'user')}`);
      expect(balance.body.balance_micros).toBe((-spent).toString());
    });
  });

  it('asks Stripe to retry a refund that arrives before its purchase, and revokes once the purchase is in', async () => {
    const started = await http()
      .post('/api/v1/llm/credits/purchase')
      .set('Authorization', `Bearer ${gateway.token('early', 'user')}`)
      .send({ package: 'starter-10' });
    const session = {
      ...stripe.sessions.get(started.body.session_id)!,
      status: 'complete',
      payment_status: 'paid',
    };
    const refund = chargeRefundedEvent(session, 1000);
    const early = await deliver(refund);
    expect(early.status).toBe(409);
    expect(await revocations('early')).toHaveLength(0);

    expect((await deliver(checkoutSessionEvent('checkout.session.completed', session))).body.outcome).toBe(
      'credited',
    );
    expect((await deliver(refund)).body.outcome).toBe('revoked');
    expect((await gateway.account('early')).balance_micros).toBe('0');
  });

  it('acknowledges a refund of a payment that is not one of our purchases, appending nothing', async () => {
    const before = await gateway.countEvents();
    const stranger = { payment_intent: 'pi_test_not_ours', amount_total: 1000, currency: 'usd' };
    expect((await deliver(chargeRefundedEvent(stranger, 1000))).body.outcome).toBe('unknown_payment');
    expect((await deliver(disputeCreatedEvent(stranger))).body.outcome).toBe('unknown_payment');
    expect(await gateway.countEvents()).toBe(before);
  });
});
