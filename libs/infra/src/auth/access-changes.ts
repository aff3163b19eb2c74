import { Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { Client } from 'pg';
import type { EntityManager, QueryRunner } from 'typeorm';
import { DatabaseConfig } from '../database/database-config';
import { ProjectionProgress } from '../projections/projection-progress';

const CHANNEL = 'ops_access_changes';
const RECONNECT_DELAY_MS = 1_000;
/**
 * A listener connection can die without a word (a half-open socket after a network fault or a
 * failover): it is asked to answer this often, and counted lost when it does not within the timeout.
 */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 2_000;

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
  private listener: Client | null = null;
  private listening = false;
  private changes = 0;
  /** This process's transactions that announced a change and had not ended at the last advance. */
  private readonly announcing = new Set<QueryRunner>();
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: DatabaseConfig,
    @Optional() progress?: ProjectionProgress,
  ) {
    progress?.onAdvance(() => this.afterCommits());
  }

  /** Moves on at every change (and at every reconnect); null while changes cannot be heard. */
  version(): number | null {
    return this.listening ? this.changes : null;
  }

  /** Called by a projection, in its transaction, when it changed what decides access. */
  async announce(tx: EntityManager): Promise<void> {
    if (tx.queryRunner) this.announcing.add(tx.queryRunner);
    await tx.query("SELECT pg_notify($1, '')", [CHANNEL]);
  }

  /** An advance follows a commit: the announcing transactions that have ended by now changed access. */
  private afterCommits(): void {
    for (const runner of this.announcing) {
      if (runner.isTransactionActive && !runner.isReleased) continue;
      this.announcing.delete(runner);
      this.changed();
    }
  }

  onModuleInit(): void {
    void this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const listener = this.listener;
    this.stopListening();
    await listener?.end().catch(() => undefined);
  }

  private changed(): void {
    this.changes++;
  }

  private async listen(): Promise<void> {
    if (this.closed || !this.config.DATABASE_URL) return;
    const client = new Client({ connectionString: this.config.DATABASE_URL, keepAlive: true });
    client.on('notification', () => this.changed());
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.listener !== client) {
      // Closed (or lost) while connecting.
      await client.end().catch(() => undefined);
      return;
    }
    // Whatever changed before the LISTEN went unheard: answers kept from then on start afresh.
    this.changed();
    this.listening = true;
    this.heartbeat = setInterval(() => void this.check(client), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private async check(client: Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('the access listener did not answer')), HEARTBEAT_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.query('SELECT 1'), silent]);
    } catch {
      this.lost(client);
    } finally {
      clearTimeout(timer);
    }
  }

  private lost(client: Client): void {
    if (this.listener !== client) return;
    this.stopListening();
    void client.end().catch(() => undefined);
    if (!this.closed) this.retry = setTimeout(() => void this.listen(), RECONNECT_DELAY_MS);
  }

  private stopListening(): void {
    this.listening = false;
    this.listener = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.changed();
  }
}
