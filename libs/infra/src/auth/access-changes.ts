import { Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import type { EntityManager, QueryRunner } from 'typeorm';
import { ChannelListener } from '../database/channel-listener';
import { DatabaseConfig } from '../database/database-config';
import { ProjectionProgress } from '../projections/projection-progress';

const CHANNEL = 'ops_access_changes';

/** A backstop, should a change go unheard anyway: no answer is kept longer than this. */
export const MAX_ANSWER_AGE_MS = 60_000;

/**
 * The listener must answer this often while answers may be kept (each look is a transaction, so an
 * idle process does not look; the first requests after a pause are covered within one interval).
 */
const HEARTBEAT = { everyMs: 5_000, timeoutMs: 2_000 };

/**
 * Tells the processes that keep answers from the read models deciding access (who is deactivated,
 * which API keys are valid) that those answers may have changed. A projection that changes them
 * `announce`s it in its transaction: PostgreSQL delivers the NOTIFY to every process at the commit,
 * and this process moves on at once after its own projector's commit, before any read-your-writes
 * wait on that commit is released.
 *
 * `version()` is null whenever a change could go unnoticed (not connected, not yet listening, or the
 * connection silent past its heartbeat): nothing may be kept from the read models then.
 */
@Injectable()
export class AccessChanges implements OnModuleInit, OnModuleDestroy {
  private readonly listener: ChannelListener | null;
  private listening = false;
  private changes = 0;
  /** When an answer was last asked for: the heartbeat matters while one may still be kept. */
  private askedAt = 0;
  /** This process's transactions that announced a change and had not ended at the last advance. */
  private readonly announcing = new Set<QueryRunner>();

  constructor(config: DatabaseConfig, @Optional() progress?: ProjectionProgress) {
    const url = config.DATABASE_URL;
    this.listener = url
      ? new ChannelListener(
          url,
          CHANNEL,
          {
            notified: () => this.changed(),
            // Whatever changed before the LISTEN went unheard: answers kept from then on start afresh.
            listening: () => {
              this.changed();
              this.listening = true;
            },
            lost: () => this.stopVouching(),
          },
          { ...HEARTBEAT, wanted: () => Date.now() - this.askedAt <= MAX_ANSWER_AGE_MS },
        )
      : null;
    progress?.onAdvance(() => this.afterCommits());
  }

  /** Moves on at every change (and at every reconnect); null while changes cannot be heard. */
  version(): number | null {
    this.askedAt = Date.now();
    return this.listening ? this.changes : null;
  }

  /** Called by a projection, in its transaction, when it changed what decides access. */
  async announce(tx: EntityManager): Promise<void> {
    if (tx.queryRunner) this.announcing.add(tx.queryRunner);
    await tx.query("SELECT pg_notify($1, '')", [CHANNEL]);
  }

  onModuleInit(): void {
    this.listener?.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopVouching();
    await this.listener?.close();
  }

  /** An advance follows a commit: the announcing transactions that have ended by now changed access. */
  private afterCommits(): void {
    for (const runner of this.announcing) {
      if (runner.isTransactionActive && !runner.isReleased) continue;
      this.announcing.delete(runner);
      this.changed();
    }
  }

  private stopVouching(): void {
    this.listening = false;
    this.changed();
  }

  private changed(): void {
    this.changes++;
  }
}
