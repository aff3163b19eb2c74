import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { GlobalPosition } from '../event-store/event-store';

/** First poll soon (an in-process projector is usually there within milliseconds), then less often. */
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 50;

/**
 * Read models lag the log by design. A command whose caller reads its own write next (a fresh API
 * key used at once, a BYOK key the next request should route with) waits here, bounded, until the
 * read models that serve that read have applied its position. Checkpoints live in the read-model
 * database, so this holds whichever process runs the projector.
 */
@Injectable()
export class ReadModelFreshness {
  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** True once every named projection has applied `position`; false when the bound ran out first. */
  async waitFor(position: GlobalPosition | null, projections: readonly string[]): Promise<boolean> {
    if (position === null) return true;
    const deadline = Date.now() + this.config.READ_YOUR_WRITES_TIMEOUT_MS;
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      if (await this.applied(position, projections)) return true;
      if (Date.now() + pause > deadline) return false;
      await sleep(pause);
    }
  }

  private async applied(position: GlobalPosition, projections: readonly string[]): Promise<boolean> {
    // Positions are fixed-width strings whose order is the log's order.
    const rows: { count: string }[] = await this.db.query(
      'SELECT count(*) AS count FROM projection_checkpoints WHERE name = ANY($1) AND position >= $2',
      [projections, position],
    );
    return Number(rows[0].count) === projections.length;
  }
}
