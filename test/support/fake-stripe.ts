import { randomBytes } from 'node:crypto';
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

function sessionFrom(form: Record<string, string>): Record<string, unknown> {
  const id = `cs_test_${randomBytes(12).toString('hex')}`;
  const unitAmount = Number(form['line_items[0][price_data][unit_amount]']);
  const quantity = Number(form['line_items[0][quantity]'] ?? '1');
  const metadata = Object.fromEntries(
    Object.entries(form)
      .filter(([key]) => key.startsWith('metadata['))
      .map(([key, value]) => [key.slice('metadata['.length, -1), value]),
  );
  return {
    id,
    object: 'checkout.session',
    mode: form.mode,
    status: 'open',
    payment_status: 'unpaid',
    client_reference_id: form.client_reference_id ?? null,
    metadata,
    currency: form['line_items[0][price_data][currency]'],
    amount_subtotal: unitAmount * quantity,
    amount_total: unitAmount * quantity,
    success_url: form.success_url,
    cancel_url: form.cancel_url,
    url: `https://checkout.stripe.test/c/pay/${id}`,
    livemode: false,
  };
}

/**
 * A local stand-in for Stripe's API, enough for Checkout: `POST /v1/checkout/sessions` with the
 * form-encoded parameters the official library sends, answering a session object. Like Stripe, a
 * repeated `Idempotency-Key` answers the first session again. Every request is recorded.
 */
export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: StripeRequest[] = [];
  const sessions = new Map<string, Record<string, unknown>>();
  const byIdempotencyKey = new Map<string, Record<string, unknown>>();
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
      if (request.method !== 'POST' || path !== '/v1/checkout/sessions') {
        response.statusCode = 404;
        response.end(
          JSON.stringify({ error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } }),
        );
        return;
      }
      const key = request.headers['idempotency-key'];
      const earlier = typeof key === 'string' ? byIdempotencyKey.get(key) : undefined;
      const session = earlier ?? sessionFrom(form);
      sessions.set(String(session.id), session);
      if (typeof key === 'string') byIdempotencyKey.set(key, session);
      response.end(JSON.stringify(session));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sessions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A Stripe event about a Checkout Session, as Stripe posts it to a webhook endpoint. */
export function checkoutSessionEvent(
  type: string,
  session: Record<string, unknown>,
  eventId = `evt_test_${randomBytes(12).toString('hex')}`,
): string {
  return JSON.stringify({
    id: eventId,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: session },
  });
}
