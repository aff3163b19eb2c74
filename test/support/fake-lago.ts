import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LagoEvent {
  transaction_id: string;
  external_subscription_id: string;
  code: string;
  timestamp?: number | string;
  properties?: Record<string, unknown>;
}

export interface LagoWallet {
  lago_id: string;
  lago_customer_id: string;
  external_customer_id: string;
  status: 'active' | 'terminated';
  currency: string;
  name: string | null;
  rate_amount: string;
  credits_balance: string;
  balance_cents: number;
  created_at: string;
}

export interface LagoWalletTransaction {
  lago_id: string;
  lago_wallet_id: string;
  status: 'pending' | 'settled';
  transaction_status: 'purchased' | 'granted';
  transaction_type: 'inbound' | 'outbound';
  amount: string;
  credit_amount: string;
  name: string | null;
  metadata: { key: string; value: string }[];
  created_at: string;
}

export interface FakeLago {
  /** LAGO_API_URL: the `/api/v1` base. */
  apiUrl: string;
  apiKey: string;
  /** Events Lago stored, in arrival order. */
  events: LagoEvent[];
  /** Sizes of the batches `POST /events/batch` received, refused ones included. */
  batchSizes: number[];
  /** How many events were refused as duplicates (`value_already_exist`). */
  duplicatesRefused: number;
  /** Statuses answered, per request, in order. */
  answers: number[];
  wallets: LagoWallet[];
  walletTransactions: LagoWalletTransaction[];
  /** The next `count` requests (any route) get `status` (429 or 5xx), with nothing stored. */
  failNext(count: number, status: number): void;
  /**
   * Validation errors (field → codes) for events Lago must refuse, as a billable metric would. With
   * `indexed: false` the refusal names no event, as a refusal of the whole request does.
   */
  refuseEventsWhen(
    check: (event: LagoEvent) => Record<string, string[]> | null,
    options?: { indexed: boolean },
  ): void;
  /** The next top-up is stored, then the connection dies before the answer (a lost response). */
  loseNextTopUpResponse(): void;
  addCustomerWithWallet(externalCustomerId: string, rateAmount?: string): LagoWallet;
  /** Subscriptions by external id: the plan in force, and the plans it had before. */
  subscriptions: Map<string, LagoSubscription>;
  close(): Promise<void>;
}

export interface LagoSubscription {
  external_id: string;
  external_customer_id: string;
  plan_code: string;
  status: 'active' | 'terminated';
  previous_plan_codes: string[];
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

function unprocessable(details: Record<string, unknown>): { status: number; body: unknown } {
  return {
    status: 422,
    body: { status: 422, error: 'Unprocessable Entity', code: 'validation_errors', error_details: details },
  };
}

function notFound(code: string): { status: number; body: unknown } {
  return { status: 404, body: { status: 404, error: 'Not Found', code } };
}

const DECIMAL = /^[0-9]+\.?[0-9]*$/;

/**
 * A local stand-in following Lago's published API (v1) for what the sync uses: events (single and
 * batch: stored all or none, `error_details` keyed by the index of each refused event, duplicates
 * of a `transaction_id` per subscription refused as `value_already_exist`), customers, wallets and
 * wallet transactions, with switches for 429/5xx periods, poison events and lost responses.
 */
export async function startFakeLago(apiKey = 'lago-test-key'): Promise<FakeLago> {
  const customers = new Map<string, { lago_id: string; external_id: string }>();
  let failures: { count: number; status: number } = { count: 0, status: 0 };
  let refusal: (event: LagoEvent) => Record<string, string[]> | null = () => null;
  let indexedRefusals = true;
  let loseTopUpResponse = false;

  const fake: Omit<FakeLago, 'apiUrl' | 'close'> = {
    apiKey,
    events: [],
    batchSizes: [],
    duplicatesRefused: 0,
    answers: [],
    wallets: [],
    walletTransactions: [],
    subscriptions: new Map(),
    failNext: (count, status) => void (failures = { count, status }),
    refuseEventsWhen: (check, options = { indexed: true }) => {
      refusal = check;
      indexedRefusals = options.indexed;
    },
    loseNextTopUpResponse: () => void (loseTopUpResponse = true),
    addCustomerWithWallet: (externalCustomerId, rateAmount = '1.0') => {
      const customer = upsertCustomer(externalCustomerId);
      const wallet: LagoWallet = {
        lago_id: randomUUID(),
        lago_customer_id: customer.lago_id,
        external_customer_id: externalCustomerId,
        status: 'active',
        currency: 'USD',
        name: 'Prepaid credits',
        rate_amount: rateAmount,
        credits_balance: '0.0',
        balance_cents: 0,
        created_at: new Date().toISOString(),
      };
      fake.wallets.push(wallet);
      return wallet;
    },
  };

  function upsertCustomer(externalId: string): { lago_id: string; external_id: string } {
    const existing = customers.get(externalId) ?? { lago_id: randomUUID(), external_id: externalId };
    customers.set(externalId, existing);
    return existing;
  }

  const stored = (event: LagoEvent) =>
    fake.events.some(
      (other) =>
        other.transaction_id === event.transaction_id &&
        other.external_subscription_id === event.external_subscription_id,
    );

  function validate(event: LagoEvent, earlier: LagoEvent[]): Record<string, string[]> | null {
    if (!event.transaction_id) return { transaction_id: ['value_is_mandatory'] };
    if (!event.code) return { code: ['value_is_mandatory'] };
    const duplicate =
      stored(event) ||
      earlier.some(
        (other) =>
          other.transaction_id === event.transaction_id &&
          other.external_subscription_id === event.external_subscription_id,
      );
    if (duplicate) return { transaction_id: ['value_already_exist'] };
    return refusal(event);
  }

  function createBatch(body: unknown): { status: number; body: unknown } {
    const events = (body as { events?: LagoEvent[] }).events;
    if (!Array.isArray(events) || events.length === 0) return unprocessable({ events: ['no_events'] });
    fake.batchSizes.push(events.length);
    if (events.length > 100) return unprocessable({ events: ['too_many_events'] });
    const errors: Record<string, Record<string, string[]>> = {};
    events.forEach((event, index) => {
      const problem = validate(event, events.slice(0, index));
      if (problem) errors[index] = problem;
    });
    const refused = Object.values(errors);
    const opaque = refused.find((problem) => problem.transaction_id?.[0] !== 'value_already_exist');
    if (opaque && !indexedRefusals) return unprocessable(opaque);
    if (refused.length > 0) {
      fake.duplicatesRefused += refused.filter(
        (problem) => problem.transaction_id?.[0] === 'value_already_exist',
      ).length;
      return unprocessable(errors);
    }
    fake.events.push(...events);
    return { status: 200, body: { events: events.map((event) => ({ ...event, lago_id: randomUUID() })) } };
  }

  function createEvent(body: unknown): { status: number; body: unknown } {
    const event = (body as { event?: LagoEvent }).event;
    if (!event) return { status: 400, body: { status: 400, error: 'Bad Request', code: 'bad_request' } };
    const problem = validate(event, []);
    if (problem) return unprocessable(problem);
    fake.events.push(event);
    return { status: 200, body: { event: { ...event, lago_id: randomUUID() } } };
  }

  function listWallets(query: URLSearchParams): { status: number; body: unknown } {
    const customerId = query.get('external_customer_id');
    if (customerId !== null && !customers.has(customerId)) return notFound('customer_not_found');
    const wallets = fake.wallets.filter(
      (wallet) => customerId === null || wallet.external_customer_id === customerId,
    );
    return {
      status: 200,
      body: {
        wallets,
        meta: {
          current_page: 1,
          next_page: null,
          prev_page: null,
          total_pages: 1,
          total_count: wallets.length,
        },
      },
    };
  }

  function topUp(body: unknown): { status: number; body: unknown } {
    const input = (body as { wallet_transaction?: Record<string, unknown> }).wallet_transaction ?? {};
    const wallet = fake.wallets.find((candidate) => candidate.lago_id === input.wallet_id);
    if (!wallet) return notFound('wallet_not_found');
    const paid = input.paid_credits;
    if (typeof paid !== 'string' || !DECIMAL.test(paid))
      return unprocessable({ paid_credits: ['invalid_value'] });
    const transaction: LagoWalletTransaction = {
      lago_id: randomUUID(),
      lago_wallet_id: wallet.lago_id,
      status: 'settled',
      transaction_status: 'purchased',
      transaction_type: 'inbound',
      amount: (Number(paid) * Number(wallet.rate_amount)).toString(),
      credit_amount: paid,
      name: typeof input.name === 'string' ? input.name : null,
      metadata: Array.isArray(input.metadata) ? (input.metadata as { key: string; value: string }[]) : [],
      created_at: new Date().toISOString(),
    };
    fake.walletTransactions.push(transaction);
    wallet.credits_balance = (Number(wallet.credits_balance) + Number(paid)).toString();
    return { status: 200, body: { wallet_transactions: [transaction] } };
  }

  function listTransactions(walletId: string, query: URLSearchParams): { status: number; body: unknown } {
    if (!fake.wallets.some((wallet) => wallet.lago_id === walletId)) return notFound('wallet_not_found');
    const type = query.get('transaction_type');
    const all = fake.walletTransactions.filter(
      (transaction) =>
        transaction.lago_wallet_id === walletId && (!type || transaction.transaction_type === type),
    );
    const perPage = Number(query.get('per_page') ?? '20');
    const page = Number(query.get('page') ?? '1');
    const totalPages = Math.max(1, Math.ceil(all.length / perPage));
    return {
      status: 200,
      body: {
        wallet_transactions: all.slice((page - 1) * perPage, page * perPage),
        meta: {
          current_page: page,
          next_page: page < totalPages ? page + 1 : null,
          prev_page: page > 1 ? page - 1 : null,
          total_pages: totalPages,
          total_count: all.length,
        },
      },
    };
  }

  /**
   * `POST /subscriptions`: creates the subscription, or changes the plan of the active one with the
   * same external id (Lago's upgrade and downgrade); the same plan again changes nothing.
   */
  function assignPlan(body: unknown): { status: number; body: unknown } {
    const input = (body as { subscription?: Partial<LagoSubscription> }).subscription ?? {};
    const { external_id: externalId, external_customer_id: customerId, plan_code: planCode } = input;
    if (!externalId || !customerId || !planCode)
      return unprocessable({
        subscription: ['external_id, external_customer_id and plan_code are mandatory'],
      });
    if (!customers.has(customerId)) return notFound('customer_not_found');
    const existing = fake.subscriptions.get(externalId);
    if (existing?.status === 'active') {
      if (existing.plan_code !== planCode) {
        existing.previous_plan_codes.push(existing.plan_code);
        existing.plan_code = planCode;
      }
      return { status: 200, body: { subscription: existing } };
    }
    const created: LagoSubscription = {
      external_id: externalId,
      external_customer_id: customerId,
      plan_code: planCode,
      status: 'active',
      previous_plan_codes: [],
    };
    fake.subscriptions.set(externalId, created);
    return { status: 200, body: { subscription: created } };
  }

  async function route(request: IncomingMessage): Promise<{ status: number; body: unknown } | 'lose'> {
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      return { status: 401, body: { status: 401, error: 'Unauthorized' } };
    }
    if (failures.count > 0) {
      failures.count -= 1;
      return { status: failures.status, body: { status: failures.status, error: 'Unavailable' } };
    }
    const url = new URL(request.url ?? '/', 'http://lago.test');
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const body = request.method === 'POST' ? await readJson(request) : {};
    if (request.method === 'POST' && path === '/events/batch') return createBatch(body);
    if (request.method === 'POST' && path === '/events') return createEvent(body);
    if (request.method === 'POST' && path === '/customers') {
      const externalId = (body as { customer?: { external_id?: string } }).customer?.external_id;
      if (!externalId) return unprocessable({ external_id: ['value_is_mandatory'] });
      return { status: 200, body: { customer: upsertCustomer(externalId) } };
    }
    const customer = /^\/customers\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && customer) {
      const found = customers.get(decodeURIComponent(customer[1]));
      return found ? { status: 200, body: { customer: found } } : notFound('customer_not_found');
    }
    if (request.method === 'GET' && path === '/wallets') return listWallets(url.searchParams);
    if (request.method === 'POST' && path === '/wallet_transactions') {
      const answer = topUp(body);
      if (answer.status === 200 && loseTopUpResponse) {
        loseTopUpResponse = false;
        return 'lose';
      }
      return answer;
    }
    if (request.method === 'POST' && path === '/subscriptions') return assignPlan(body);
    const subscription = /^\/subscriptions\/([^/]+)$/.exec(path);
    if (request.method === 'DELETE' && subscription) {
      const found = fake.subscriptions.get(decodeURIComponent(subscription[1]));
      if (!found || found.status !== 'active') return notFound('subscription_not_found');
      found.status = 'terminated';
      return { status: 200, body: { subscription: found } };
    }
    const transactions = /^\/wallets\/([^/]+)\/wallet_transactions$/.exec(path);
    if (request.method === 'GET' && transactions) return listTransactions(transactions[1], url.searchParams);
    return notFound('not_found');
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    route(request).then(
      (answer) => {
        if (answer === 'lose') {
          fake.answers.push(0);
          request.socket.destroy();
          return;
        }
        fake.answers.push(answer.status);
        response.writeHead(answer.status, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(answer.body));
      },
      () => {
        response.writeHead(400, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ status: 400, error: 'Bad Request' }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    apiUrl: `http://127.0.0.1:${port}/api/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
