import {
  CREDIT_ACCOUNT_SCHEMA_VERSIONS,
  creditAccountDecider,
  creditAccountStream,
  CreditRefusal,
  fold,
  LLM_REQUEST_SCHEMA_VERSIONS,
  llmRequestDecider,
  llmRequestStream,
  type CreditAccountEvent,
  type LlmRequestCommand,
} from '@ops/domain';
import { openDatabase } from '@ops/infra/database/data-source';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { IdempotencyKeyReusedError } from '@ops/infra/event-sourcing/idempotency-key-claims';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { PostgresEventStore } from '@ops/infra/event-store/postgres';
import { decodePosition } from '@ops/infra/event-store/position';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

const context = (idempotencyKey?: string): CommandContext => ({
  actor: 'admin-1',
  correlationId: 'c-1',
  causationId: null,
  source: 'test',
  idempotencyKey,
});

describe('CommandRunner against PostgreSQL', () => {
  let database: TestDatabase;
  let db: DataSource;
  const stores: PostgresEventStore[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase(database.url);
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await db?.destroy();
    await database?.drop();
  });

  /** Each runner has its own store and pool, like two API processes. */
  function processRunner(): CommandRunner {
    const store = new PostgresEventStore(database.url);
    stores.push(store);
    return new CommandRunner(store);
  }

  const grant = (runner: CommandRunner, userId: string, amount: bigint, key?: string) =>
    runner.run({
      streamName: creditAccountStream(userId),
      decider: creditAccountDecider,
      command: { type: 'GrantCredits', userId, amountMicros: amount, reason: 'test' },
      context: context(key),
      schemaVersions: CREDIT_ACCOUNT_SCHEMA_VERSIONS,
    });

  it('loses no grant when two processes race on one account', async () => {
    const [first, second] = [processRunner(), processRunner()];
    const perProcess = 15;
    const outcomes = await Promise.all(
      Array.from({ length: perProcess * 2 }, (_, index) =>
        grant(index % 2 === 0 ? first : second, 'contended', BigInt(index + 1)),
      ),
    );
    const revisions = outcomes.map((outcome) => outcome.revision).sort((a, b) => (a < b ? -1 : 1));
    expect(revisions).toEqual(Array.from({ length: perProcess * 2 }, (_, index) => BigInt(index)));
    const stored = await stores[0].readStream(creditAccountStream('contended'));
    const total = stored.reduce((sum, event) => sum + BigInt(String(event.data.amountMicros)), 0n);
    expect(stored).toHaveLength(perProcess * 2);
    expect(total).toBe(BigInt((perProcess * 2 * (perProcess * 2 + 1)) / 2));
  });

  it('appends once for an idempotency key retried from two processes', async () => {
    const [first, second] = [processRunner(), processRunner()];
    const outcomes = await Promise.all([
      grant(first, 'idem', 5n, 'key-1'),
      grant(second, 'idem', 5n, 'key-1'),
      grant(first, 'idem', 5n, 'key-1'),
    ]);
    expect(new Set(outcomes.map((outcome) => outcome.eventIds[0])).size).toBe(1);
    expect(await stores[0].readStream(creditAccountStream('idem'))).toHaveLength(1);
    const later = await grant(second, 'idem', 5n, 'key-1');
    expect(later.replayed).toBe(true);
    expect(later.state.balanceMicros).toBe(5n);
  });

  it('appends to two streams with one idempotency key: ids are unique across the log', async () => {
    const runner = processRunner();
    // One request's commands share its key and scope (an erasure revokes keys and records itself).
    const grantIn = (userId: string, amount: bigint, scope: string) =>
      runner.run({
        streamName: creditAccountStream(userId),
        decider: creditAccountDecider,
        command: { type: 'GrantCredits', userId, amountMicros: amount, reason: 'test' },
        context: { ...context('shared-key'), idempotencyScope: scope },
        schemaVersions: CREDIT_ACCOUNT_SCHEMA_VERSIONS,
      });
    const left = await grantIn('same-key-left', 3n, 'request-1');
    const right = await grantIn('same-key-right', 4n, 'request-1');
    expect(left.eventIds[0]).not.toBe(right.eventIds[0]);
    expect((await grantIn('same-key-right', 4n, 'request-1')).replayed).toBe(true);
    expect(await stores[0].readStream(creditAccountStream('same-key-right'))).toHaveLength(1);
    // The key sent again with another request is refused, and appends nothing.
    await expect(grantIn('same-key-other', 5n, 'request-2')).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect(await stores[0].readStream(creditAccountStream('same-key-other'))).toEqual([]);
  });

  it('appends nothing when the decider refuses', async () => {
    const runner = processRunner();
    await expect(grant(runner, 'refused', 0n)).rejects.toThrow(/greater than zero/);
    expect(await stores[0].readStream(creditAccountStream('refused'))).toEqual([]);
  });

  /** The request's record, as the gateway stores it with a credit command. */
  const record = (requestId: string, command: LlmRequestCommand, newStream: boolean) => ({
    streamName: llmRequestStream(requestId),
    decider: llmRequestDecider,
    command,
    context: context(),
    schemaVersions: LLM_REQUEST_SCHEMA_VERSIONS,
    newStream,
  });
  /** A request's one event: here its failure, which needs nothing recorded before it. */
  const outcome = (requestId: string, newStream = true) =>
    record(
      requestId,
      {
        type: 'RecordFailure',
        failed: {
          requestId,
          userId: 'u',
          tier: 'free',
          error: { type: 'api_error', code: 'test', status: 502, message: 'test' },
          latencyMs: 1,
          attempts: [],
        },
      },
      newStream,
    );

  const reserve = (
    runner: CommandRunner,
    userId: string,
    id: string,
    amount: bigint,
    alongside?: ReturnType<typeof outcome>,
  ) =>
    runner.run({
      streamName: creditAccountStream(userId),
      decider: creditAccountDecider,
      command: {
        type: 'ReserveCredits',
        userId,
        reservationId: id,
        requestId: id,
        amountMicros: amount,
        now: new Date().toISOString(),
        ttlMs: 60_000,
      },
      context: context(),
      schemaVersions: CREDIT_ACCOUNT_SCHEMA_VERSIONS,
      alongside,
    });

  it('never holds more than the balance when two processes reserve concurrently on one account', async () => {
    const [first, second] = [processRunner(), processRunner()];
    await grant(first, 'hot', 150n, 'fund-hot');
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, index) =>
        reserve(index % 2 === 0 ? first : second, 'hot', `r-${index}`, 1n),
      ),
    );
    const refused = results.filter((result) => result.status === 'rejected');
    expect(results.length - refused.length).toBe(150);
    for (const result of refused)
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(CreditRefusal);

    const stored = await stores[0].readStream(creditAccountStream('hot'));
    const state = fold(
      creditAccountDecider,
      stored.map((event) => ({ type: event.type, data: event.data }) as CreditAccountEvent),
    );
    expect(state.reservedMicros).toBe(150n);
    expect(state.balanceMicros).toBe(150n);
    // Batching: far fewer appends than commands, and revisions still gapless.
    expect(stored.map((event) => event.revision)).toEqual(stored.map((_, index) => BigInt(index)));
  });

  it('sees a grant made by another process before refusing a hold', async () => {
    const [first, second] = [processRunner(), processRunner()];
    await grant(first, 'late-grant', 10n);
    await reserve(second, 'late-grant', 'warm', 10n);
    await grant(first, 'late-grant', 50n);
    await expect(reserve(second, 'late-grant', 'after-grant', 50n)).resolves.toMatchObject({
      replayed: false,
    });
  });

  describe("a command carrying another stream's command (alongside)", () => {
    it('stores both in one transaction, and 200 concurrent holds with their records in few appends', async () => {
      const runner = processRunner();
      await grant(runner, 'along', 150n);
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, index) =>
          reserve(runner, 'along', `along-${index}`, 1n, outcome(`along-${index}`)),
        ),
      );
      const served = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
      expect(served).toHaveLength(150);
      const routed = await Promise.all(
        results.map((_, index) => stores[0].readStream(llmRequestStream(`along-${index}`))),
      );
      // Exactly the requests whose hold was stored have their record, and in the hold's transaction.
      expect(routed.flatMap((events, index) => (events.length > 0 ? [index] : []))).toEqual(served);
      const holds = await stores[0].readStream(creditAccountStream('along'));
      const transactionOf = (position: string) => decodePosition(position).major;
      const holdTransactions = new Set(holds.slice(1).map((event) => transactionOf(event.position)));
      for (const index of served) {
        expect(holdTransactions.has(transactionOf(routed[index][0].position))).toBe(true);
      }
      expect(holdTransactions.size).toBeLessThan(50);
    });

    it('stores neither when the other stream refuses its command', async () => {
      const runner = processRunner();
      await grant(runner, 'along-refused', 10n);
      await runner.run(outcome('ended'));
      await expect(reserve(runner, 'along-refused', 'h-1', 1n, outcome('ended', false))).rejects.toThrow(
        /a failed request cannot fail/,
      );
      expect(await stores[0].readStream(creditAccountStream('along-refused'))).toHaveLength(1);
      expect(await stores[0].readStream(llmRequestStream('ended'))).toHaveLength(1);
    });

    it('stores neither when the other stream is not where it was expected, and fails the hold', async () => {
      const runner = processRunner();
      await grant(runner, 'along-conflict', 10n);
      await reserve(runner, 'along-conflict', 'taken', 1n, outcome('taken'));
      // Another process made the same request stream meanwhile: this one believes it new.
      await expect(reserve(processRunner(), 'along-conflict', 'again', 1n, outcome('taken'))).rejects.toThrow(
        /expected revision no_stream/,
      );
      expect(await stores[0].readStream(creditAccountStream('along-conflict'))).toHaveLength(2);
      expect(await stores[0].readStream(llmRequestStream('taken'))).toHaveLength(1);
      // The account's next command is decided afresh and goes through.
      await expect(reserve(runner, 'along-conflict', 'next', 1n, outcome('next'))).resolves.toBeDefined();
    });
  });
});
