import { Injectable } from '@nestjs/common';
import {
  creditAccountDecider,
  creditAccountStream,
  type CreditAccountCommand,
  type CreditAccountState,
  type Micros,
  type SettledRequest,
  creditAccount,
} from '@ops/domain';
import { GatewayConfig } from '@ops/infra/config/features/gateway-config';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandBus } from '@nestjs/cqrs';
import { CommandRunner, type AnyCommand } from '@ops/infra/event-sourcing/command-runner';
import { RunAggregateCommand } from '@ops/infra/event-sourcing/run-aggregate-command';
import { Counter, Gauge, Registry } from 'prom-client';

/** Another process's plan change reaches this one's routing within this long. */
const ACCOUNT_MAX_AGE_MS = 1_000;

/**
 * The gateway's side of a credit account: read the plan and balance, hold the worst case before an
 * upstream call, then settle the real cost or release the hold. Every step is a command on the
 * account's stream, so holds on one account are decided one after another against everything
 * already held: concurrent requests can never overspend. The end of a hold carries the request's own
 * record: its completion on the debit, its failure in the same append as the release.
 */
@Injectable()
export class RequestCredits {
  private readonly ttlMs: number;
  private readonly overdrafts: Counter;
  private readonly overdraftMicros: Counter;
  private readonly holdsOpen: Gauge;
  /** The holds this process stored whose request has not ended: a request ends once, however often it tries. */
  private readonly openHolds = new Set<string>();

  constructor(
    /** Reads the account's cached state for the hold's size; commands go through the bus. */
    private readonly commands: CommandRunner,
    private readonly bus: CommandBus,
    config: GatewayConfig,
    registry: Registry,
  ) {
    this.ttlMs = config.LLM_RESERVATION_TTL_SECONDS * 1000;
    this.overdrafts = new Counter({
      name: 'ops_credit_overdrafts_total',
      help: 'Settlements that charged more than their hold covered (the excess may take a balance below zero)',
      registers: [registry],
    });
    this.overdraftMicros = new Counter({
      name: 'ops_credit_overdraft_micros_total',
      help: 'Micro-USD charged beyond the holds that covered the requests',
      registers: [registry],
    });
    this.holdsOpen = new Gauge({
      name: 'ops_credit_holds_open',
      help: 'Credit holds this process placed for requests still in flight (settled or released when they end)',
      registers: [registry],
    });
  }

  /**
   * The plan and balance to route with. A state verified within the last second is good enough:
   * this process's own writes update it at once, and the hold itself is decided on the current state.
   */
  async account(userId: string): Promise<CreditAccountState> {
    const { state } = await this.commands.loadRecent(
      creditAccountStream(userId),
      creditAccountDecider,
      ACCOUNT_MAX_AGE_MS,
    );
    return state;
  }

  /**
   * Places a hold. Resolves as soon as the account (as this process knows it) grants it, before the
   * hold is stored, so that the upstream call can start while the append is in flight; `stored` says
   * when it is durable, or rejects if the account refused it after all (another process had moved
   * it) or the append failed. Nothing may be answered, charged or released for the request before
   * `stored` resolves. A refusal known at once rejects the call itself.
   */
  async reserve(
    userId: string,
    reservationId: string,
    requestId: string,
    amountMicros: Micros,
    context: CommandContext,
  ): Promise<{ stored: Promise<void> }> {
    let granted!: () => void;
    const decided = new Promise<void>((resolve) => (granted = resolve));
    const stored = this.run(
      userId,
      context,
      {
        type: 'ReserveCredits',
        userId,
        reservationId,
        requestId,
        amountMicros,
        now: new Date().toISOString(),
        ttlMs: this.ttlMs,
      },
      undefined,
      granted,
    ).then(() => {
      this.openHolds.add(reservationId);
      this.holdsOpen.set(this.openHolds.size);
    });
    await Promise.race([decided, stored]);
    // Awaited later by whoever answers; a failure before then must not go unhandled meanwhile.
    stored.catch(() => undefined);
    return { stored };
  }

  /**
   * Charges the real cost, whatever became of the hold, with the request's record on the debit; what no
   * hold covered is an overdraft, recorded on the debit and counted here. Returns whether a debit was
   * stored: when none was (the hold had ended and there is nothing to charge), the record is the
   * caller's to store.
   */
  async settle(
    userId: string,
    reservationId: string,
    costMicros: Micros,
    context: CommandContext,
    request: SettledRequest,
  ): Promise<{ debited: boolean }> {
    const { state, appended } = await this.ending(
      reservationId,
      this.runForState(userId, context, {
        type: 'SettleReservation',
        userId,
        reservationId,
        costMicros,
        request,
      }),
    );
    const debit = state.lastDebit;
    const debited = appended > 0 && debit?.reservationId === reservationId;
    if (debited && debit.overdraftMicros > 0n) {
      this.overdrafts.inc();
      this.overdraftMicros.inc(Number(debit.overdraftMicros));
    }
    return { debited };
  }

  async release(
    userId: string,
    reservationId: string,
    context: CommandContext,
    alongside?: AnyCommand,
  ): Promise<void> {
    await this.ending(
      reservationId,
      this.run(userId, context, { type: 'ReleaseReservation', userId, reservationId }, alongside),
    );
  }

  /**
   * The request that placed the hold is over, whether or not its settlement was stored: one that was not
   * stays held on the account until the expiry sweeper releases it, which is the account's business.
   */
  private async ending<T>(reservationId: string, settlement: Promise<T>): Promise<T> {
    try {
      return await settlement;
    } finally {
      // A settlement that failed is followed by a release of the same hold: the request ended once.
      this.openHolds.delete(reservationId);
      this.holdsOpen.set(this.openHolds.size);
    }
  }

  /** Releases the holds that ran out; returns how many. */
  async expire(userId: string, context: CommandContext): Promise<number> {
    return this.run(userId, context, { type: 'ExpireReservations', userId, now: new Date().toISOString() });
  }

  private async run(
    userId: string,
    context: CommandContext,
    command: CreditAccountCommand,
    alongside?: AnyCommand,
    onDecided?: () => void,
  ): Promise<number> {
    return (await this.runForState(userId, context, command, alongside, onDecided)).appended;
  }

  /** Decided on the cached account state and batched with the account's other commands. */
  private async runForState(
    userId: string,
    context: CommandContext,
    command: CreditAccountCommand,
    alongside?: AnyCommand,
    onDecided?: () => void,
  ): Promise<{ state: CreditAccountState; appended: number }> {
    const outcome = await this.bus.execute(
      new RunAggregateCommand({
        ...creditAccount.stream(userId),
        command,
        context: { ...context, idempotencyKey: undefined },
        alongside,
        onDecided,
      }),
    );
    return { state: outcome.state, appended: outcome.eventIds.length };
  }
}
