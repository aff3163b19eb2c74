import { creditAccountStream } from '@ops/domain';
import { Client } from 'pg';
import type { GatewayAdmin } from './gateway-admin';
import { LoadTarget } from './gateway-load';
import { STORED_COMPLETIONS } from '../../test/support/stored-completions';

export interface HotAccountCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface HotAccountRun {
  requests: number;
  /** What one request holds (its worst case) and really costs; the account is funded for `fundedRequests` at that cost. */
  holdMicros: bigint;
  costMicros: bigint;
  fundedRequests: number;
  served: number;
  refused: number;
  otherErrors: number;
  seconds: number;
  granted: bigint;
  debited: bigint;
  balance: bigint;
  checks: HotAccountCheck[];
}

const sumOf = (rows: { amount: string | null }[]) => BigInt(rows[0]?.amount ?? '0');

/** The hold the gateway takes for one bench request (its CreditsReserved event) and what it charges. */
async function priceOfOneRequest(
  admin: GatewayAdmin,
  gatewayUrl: string,
  db: Client,
): Promise<{ holdMicros: bigint; costMicros: bigint }> {
  const user = 'bench-hot-probe';
  await admin.fund(user, 1_000_000n);
  const probe = new LoadTarget(
    'probe',
    gatewayUrl,
    '/v1/chat/completions',
    () => ({
      authorization: `Bearer ${admin.token(user, 'user')}`,
    }),
    1,
  );
  try {
    const reply = await probe.send(0);
    if (reply.status !== 200) throw new Error(`probe request answered ${reply.status}: ${reply.text}`);
    const { rows } = await db.query<{ held: string }>(
      `SELECT data->>'amountMicros' AS held FROM events WHERE type = 'CreditsReserved' AND data->>'requestId' = $1`,
      [reply.headers['x-ops-request-id']],
    );
    if (!rows[0]) throw new Error('the probe request left no CreditsReserved event');
    return {
      holdMicros: BigInt(rows[0].held),
      costMicros: BigInt(String(reply.headers['x-ops-cost-micros'])),
    };
  } finally {
    await probe.close();
  }
}

/**
 * One account funded for fewer requests than it gets at once, counted at their real cost (a hold is
 * larger, and each settlement returns the difference, so funding by holds would let every request
 * through one after another): the ones the balance cannot cover must be refused with 402, and the
 * books must balance to the micro-USD.
 */
export async function runHotAccount(
  admin: GatewayAdmin,
  gatewayUrl: string,
  databaseUrl: string,
  requests: number,
  fundedRequests: number,
): Promise<HotAccountRun> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const user = 'bench-hot';
  const target = new LoadTarget(
    'hot',
    gatewayUrl,
    '/v1/chat/completions',
    () => ({
      authorization: `Bearer ${admin.token(user, 'user')}`,
    }),
    requests,
  );
  try {
    const { holdMicros, costMicros } = await priceOfOneRequest(admin, gatewayUrl, db);
    await admin.fund(user, costMicros * BigInt(fundedRequests));

    const started = performance.now();
    const replies = await Promise.all(
      Array.from({ length: requests }, (_, index) => target.send(index).catch(() => null)),
    );
    const seconds = (performance.now() - started) / 1000;
    const served = replies.filter((reply) => reply?.status === 200).length;
    const refused = replies.filter(
      (reply) => reply?.status === 402 && reply.text.includes('insufficient_credits'),
    ).length;

    const stream = creditAccountStream(user);
    const eventSum = async (type: string) =>
      sumOf(
        (
          await db.query<{ amount: string | null }>(
            `SELECT sum((data->>'amountMicros')::bigint)::text AS amount FROM events WHERE stream_name = $1 AND type = $2`,
            [stream, type],
          )
        ).rows,
      );
    const granted = await eventSum('CreditsGranted');
    const debited = await eventSum('CreditsDebited');
    const held = await eventSum('CreditsReserved');
    // A debit that settles an open hold ends it too (its releasedMicros), without a CreditsReleased.
    const released =
      (await eventSum('CreditsReleased')) +
      sumOf(
        (
          await db.query<{ amount: string | null }>(
            `SELECT sum((data->>'releasedMicros')::bigint)::text AS amount FROM events
              WHERE stream_name = $1 AND type = 'CreditsDebited'`,
            [stream],
          )
        ).rows,
      );
    const completed = (
      await db.query<{ n: string; cost: string }>(
        `SELECT count(*)::text AS n, coalesce(sum(cost_micros), 0)::text AS cost
           FROM ${STORED_COMPLETIONS} WHERE user_id = $1`,
        [user],
      )
    ).rows[0];
    const account = await admin.account(user);
    const balance = BigInt(account.balance_micros);
    await admin.waitUntilProjected();
    const readModel = (
      await db.query<{ balance: string | null; ledger: string | null }>(
        `SELECT (SELECT balance_micros::text FROM credit_balances WHERE user_id = $1) AS balance,
                (SELECT sum(amount_micros)::text FROM credit_transactions WHERE user_id = $1) AS ledger`,
        [user],
      )
    ).rows[0];

    const checks: HotAccountCheck[] = [
      { name: 'balance never below zero', ok: balance >= 0n, detail: `balance ${balance}` },
      {
        name: 'balance = grants - debits (events)',
        ok: balance === granted - debited,
        detail: `${granted} - ${debited} = ${granted - debited}`,
      },
      {
        name: 'no open hold left',
        ok: account.reserved_micros === '0' && account.open_reservations === 0 && held === released,
        detail: `reserved ${account.reserved_micros}, open ${account.open_reservations}, held ${held} = released ${released}`,
      },
      {
        name: 'one RequestCompleted per 200, costs = debits',
        ok: Number(completed.n) === served && BigInt(completed.cost) === debited,
        detail: `${completed.n} completed for ${served} served, costs ${completed.cost}`,
      },
      {
        name: 'read models agree (credit_balances, sum of credit_transactions)',
        ok: readModel.balance === balance.toString() && readModel.ledger === balance.toString(),
        detail: `balance row ${readModel.balance}, ledger ${readModel.ledger}`,
      },
      {
        name: 'every request served or refused with 402 insufficient_credits',
        ok: served + refused === requests && served <= fundedRequests && refused > 0,
        detail: `${served} served (funds for ${fundedRequests}) + ${refused} refused of ${requests}`,
      },
    ];
    return {
      requests,
      holdMicros,
      costMicros,
      fundedRequests,
      served,
      refused,
      otherErrors: requests - served - refused,
      seconds,
      granted,
      debited,
      balance,
      checks,
    };
  } finally {
    await target.close();
    await db.end();
  }
}
