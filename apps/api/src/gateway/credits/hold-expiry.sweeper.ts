import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CreditHoldsQueries } from '@ops/read-models';
import { RequestCredits } from './request-credits';

const SWEEP_INTERVAL_MS = 60_000;
const ACCOUNTS_PER_SWEEP = 500;

/**
 * Releases holds of requests that never settled (the process handling them died). Holds also expire
 * lazily when their account reserves again; this catches accounts that went quiet.
 */
@Injectable()
export class HoldExpirySweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(HoldExpirySweeper.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly holds: CreditHoldsQueries,
    private readonly credits: RequestCredits,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(
      () =>
        void this.sweep().catch((error: unknown) => this.logger.warn({ err: error }, 'Hold sweep failed')),
      SWEEP_INTERVAL_MS,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Returns how many holds were released. */
  async sweep(): Promise<number> {
    const accounts = await this.holds.accountsWithExpiredHolds(ACCOUNTS_PER_SWEEP);
    let released = 0;
    for (const userId of accounts) {
      released += await this.credits.expire(userId, {
        actor: 'system',
        correlationId: `hold-expiry-${userId}`,
        causationId: null,
        source: 'api',
      });
    }
    return released;
  }
}
