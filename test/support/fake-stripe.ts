import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StripeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The form-encoded body as Stripe's API receives it: `metadata[user_id]` → value. */
  form: Record<string, string>;
}

export interface FakeStripe {
  /** For STRIPE_API_BASE. */
  url: string;
  requests: StripeRequest[];
  /** Sessions created so far, as Stripe returned them. */
  sessions: Map<string, Record<string, unknown>>;
  /** The payment intent of each session, by its id, with the metadata Checkout gave it. */
  paymentIntents: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function metadataFrom(form: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(form)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length, -1), value]),
  );
}

const randomId = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

function paymentIntentFrom(form: Record<string, string>): Record<string, unknown> {
  const unitAmount = Number(form['line_items[0][price_data][unit_amount]']);
  const quantity = Number(form['line_items[0][quantity]'] ?? '1');
  return {
    id: randomId('pi'),
    object: 'payment_intent',
    amount: unitAmount * quantity,
    currency: form['line_items[0][price_data][currency]'],
    metadata: metadataFrom(form, 'payment_intent_data[metadata]['),
    status: 'requires_payment_method',
    livemode: false,
  };
}

function sessionFrom(form: Record<string, string>, paymentIntentId: string | null): Record<string, unknown> {
  const id = randomId('cs');
  const unitAmount = Number(form['line_items[0][price_data][unit_amount]']);
  const quantity = Number(form['line_items[0][quantity]'] ?? '1');
  const metadata = metadataFrom(form, 'metadata[');
  return {
    id,
    object: 'checkout.session',
    mode: form.mode,
    status: 'open',
    payment_status: 'unpaid',
    payment_intent: paymentIntentId,
    client_reference_id: form.client_reference_id ?? null,
    metadata,
    currency: form['line_items[0][price_data][currency]'],
    amount_subtotal: unitAmount * quantity,
    amount_total: unitAmount * quantity,
    success_url: form.success_url,
    cancel_url: form.cancel_url,
    url: `https://checkout.stripe.test/c/pay/${id}`,
    livemode: false,
    // Subscription mode: what Checkout will give the subscription it creates once paid.
    subscription: null,
    subscription_data:
      form.mode === 'subscription'
        ? {
            metadata: metadataFrom(form, 'subscription_data[metadata]['),
            recurring_interval: form['line_items[0][price_data][recurring][interval]'],
            unit_amount: unitAmount,
          }
        : undefined,
  };
}

/**
 * A local stand-in for Stripe's API, enough for Checkout: `POST /v1/checkout/sessions` with the
 * form-encoded parameters the official library sends, answering a session object (with its payment
 * intent, or none in subscription mode), and `GET /v1/payment_intents/:id`. Like Stripe, a repeated
 * `Idempotency-Key` answers the first session again, and refuses (400 `idempotency_error`) when the
 * parameters differ. Every request is recorded.
 */
export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: StripeRequest[] = [];
  const sessions = new Map<string, Record<string, unknown>>();
  const paymentIntents = new Map<string, Record<string, unknown>>();
  const byIdempotencyKey = new Map<string, { body: string; session: Record<string, unknown> }>();
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const form = Object.fromEntries(new URLSearchParams(body));
      const path = (request.url ?? '').split('?')[0];
      requests.push({ method: request.method ?? '', path, headers: request.headers, form });
      response.setHeader('Content-Type', 'application/json');
      if (!String(request.headers.authorization ?? '').startsWith('Bearer sk_test_')) {
        response.statusCode = 401;
        response.end(
          JSON.stringify({ error: { type: 'invalid_request_error', message: 'Invalid API Key' } }),
        );
        return;
      }
      const intent = /^\/v1\/payment_intents\/([A-Za-z0-9_]+)$/.exec(path);
      if (request.method === 'GET' && intent) {
        const found = paymentIntents.get(intent[1]);
        response.statusCode = found ? 200 : 404;
        response.end(
          JSON.stringify(
            found ?? {
              error: {
                type: 'invalid_request_error',
                code: 'resource_missing',
                message: 'No such payment_intent',
              },
            },
          ),
        );
        return;
      }
      if (request.method !== 'POST' || path !== '/v1/checkout/sessions') {
        response.statusCode = 404;
        response.end(
          JSON.stringify({ error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } }),
        );
        return;
      }
      const key = request.headers['idempotency-key'];
      const earlier = typeof key === 'string' ? byIdempotencyKey.get(key) : undefined;
      if (earlier && earlier.body !== body) {
        // Stripe keeps each keyed request's parameters and refuses the key for different ones.
        response.statusCode = 400;
        response.end(
          JSON.stringify({
            error: {
              type: 'idempotency_error',
              message:
                'Keys for idempotent requests can only be used with the same parameters they were first used with.',
            },
          }),
        );
        return;
      }
      let session = earlier?.session;
      if (!session) {
        let paymentIntentId: string | null = null;
        if (form.mode !== 'subscription') {
          const paymentIntent = paymentIntentFrom(form);
          paymentIntents.set(String(paymentIntent.id), paymentIntent);
          paymentIntentId = String(paymentIntent.id);
        }
        session = sessionFrom(form, paymentIntentId);
      }
      sessions.set(String(session.id), session);
      if (typeof key === 'string') byIdempotencyKey.set(key, { body, session });
      response.end(JSON.stringify(session));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sessions,
    paymentIntents,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A Stripe event about a Checkout Session, as Stripe posts it to a webhook endpoint. */
export function checkoutSessionEvent(
  type: string,
  session: Record<string, unknown>,
  eventId = randomId('evt'),
): string {
  return stripeEvent(type, session, eventId);
}

/**
 * `charge.refunded` for the charge of a paid session: Stripe sends the Charge, whose `amount_refunded`
 * is the total refunded so far (a partial refund, then another, each report the running total).
 */
export function chargeRefundedEvent(
  session: Record<string, unknown>,
  amountRefunded: number,
  eventId = randomId('evt'),
): string {
  const amount = Number(session.amount_total);
  return stripeEvent(
    'charge.refunded',
    {
      id: chargeIdOf(session),
      object: 'charge',
      amount,
      amount_captured: amount,
      amount_refunded: amountRefunded,
      currency: session.currency,
      captured: true,
      paid: true,
      refunded: amountRefunded === amount,
      disputed: false,
      status: 'succeeded',
      payment_intent: session.payment_intent,
      metadata: {},
      livemode: false,
    },
    eventId,
  );
}

/** `charge.dispute.created` for the charge of a paid session: Stripe sends the Dispute. */
export function disputeCreatedEvent(session: Record<string, unknown>, eventId = randomId('evt')): string {
  return stripeEvent(
    'charge.dispute.created',
    {
      id: randomId('dp'),
      object: 'dispute',
      amount: session.amount_total,
      currency: session.currency,
      charge: chargeIdOf(session),
      payment_intent: session.payment_intent,
      reason: 'fraudulent',
      status: 'needs_response',
      is_charge_refundable: false,
      metadata: {},
      livemode: false,
    },
    eventId,
  );
}

/**
 * The `Stripe-Signature` header Stripe sends with this payload for this endpoint secret, computed as
 * Stripe documents it (not with the library that verifies it): `t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<payload>" keyed with the whole secret>`.
 */
export function stripeSignature(
  payload: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/** One charge per session: derived from the payment intent, so every event names the same charge. */
function chargeIdOf(session: Record<string, unknown>): string {
  return `ch_${String(session.payment_intent).replace(/^pi_/, '')}`;
}

function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  eventId: string,
  created = Math.floor(Date.now() / 1000),
): string {
  return JSON.stringify({
    id: eventId,
    object: 'event',
    api_version: '2026-10-28.endive',
    created,
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });
}

const DAY_SECONDS = 86_400;

export interface SubscriptionShape {
  id: string;
  status?: string;
  /** Monthly USD cents of its one price: the tier it buys. */
  unitAmount: number;
  periodStart: number;
  cancelAtPeriodEnd?: boolean;
  endedAt?: number | null;
}

/** The subscription Checkout created for a paid subscription-mode session, as Stripe reports it. */
export function subscriptionOf(
  session: Record<string, unknown>,
  shape: SubscriptionShape,
): Record<string, unknown> {
  const data = session.subscription_data as { metadata: Record<string, string> };
  const periodEnd = shape.periodStart + 30 * DAY_SECONDS;
  return {
    id: shape.id,
    object: 'subscription',
    customer: `cus_${String(session.client_reference_id)}`,
    status: shape.status ?? 'active',
    cancel_at_period_end: shape.cancelAtPeriodEnd ?? false,
    cancel_at: shape.cancelAtPeriodEnd ? periodEnd : null,
    canceled_at: null,
    ended_at: shape.endedAt ?? null,
    created: shape.periodStart,
    currency: 'usd',
    metadata: data.metadata,
    latest_invoice: null,
    livemode: false,
    items: {
      object: 'list',
      has_more: false,
      data: [
        {
          id: `si_${shape.id.slice(4)}`,
          object: 'subscription_item',
          quantity: 1,
          current_period_start: shape.periodStart,
          current_period_end: periodEnd,
          price: {
            id: `price_${shape.unitAmount}`,
            object: 'price',
            currency: 'usd',
            unit_amount: shape.unitAmount,
            recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
            type: 'recurring',
          },
        },
      ],
    },
  };
}

/** An invoice of a subscription, as Stripe sends it with `invoice.paid` / `invoice.payment_failed`. */
export function invoiceOf(
  subscription: Record<string, unknown>,
  invoice: { id: string; billingReason: string; amount: number; periodStart: number; paid: boolean },
): Record<string, unknown> {
  return {
    id: invoice.id,
    object: 'invoice',
    customer: subscription.customer,
    currency: 'usd',
    billing_reason: invoice.billingReason,
    subtotal: invoice.amount,
    total: invoice.amount,
    amount_due: invoice.amount,
    amount_paid: invoice.paid ? invoice.amount : 0,
    attempt_count: 1,
    status: invoice.paid ? 'paid' : 'open',
    status_transitions: { paid_at: invoice.paid ? invoice.periodStart + 60 : null },
    // Stripe's invoice period is the one before the lines' service period; the lines say what is billed.
    period_start: invoice.periodStart - 30 * DAY_SECONDS,
    period_end: invoice.periodStart,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { subscription: subscription.id, metadata: subscription.metadata },
    },
    lines: {
      object: 'list',
      has_more: false,
      data: [
        {
          id: `il_${invoice.id.slice(3)}`,
          object: 'line_item',
          amount: invoice.amount,
          currency: 'usd',
          period: { start: invoice.periodStart, end: invoice.periodStart + 30 * DAY_SECONDS },
        },
      ],
    },
    livemode: false,
  };
}

/** Any Stripe event about `object`, created at `created` (unix seconds): reordering tests set it. */
export function stripeEventOf(
  type: string,
  object: Record<string, unknown>,
  created?: number,
  eventId = randomId('evt'),
): string {
  return stripeEvent(type, object, eventId, created);
}
