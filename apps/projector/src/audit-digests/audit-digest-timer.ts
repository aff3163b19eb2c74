import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { IntegrityConfig } from '@ops/infra/event-store/integrity/integrity-config';
import { DigestSigner, RecordedDigests } from '@ops/infra/event-store/integrity';

/** A digest younger than this share of the interval counts as this period's (another process made it). */
const DUE_FRACTION = 0.9;

/**
 * Signs a digest of every stream head every AUDIT_DIGEST_INTERVAL_SECONDS (0: never), the first one
 * an interval after start, so starting a process appends nothing. Several projector processes may
 * run: each skips a period whose digest another one already signed.
 */
@Injectable()
export class AuditDigestTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditDigestTimer.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly config: IntegrityConfig,
    private readonly signer: DigestSigner,
    private readonly recorded: RecordedDigests,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.AUDIT_DIGEST_INTERVAL_SECONDS;
    if (seconds === 0) return;
    this.timer = setInterval(() => void this.tick(), seconds * 1_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Signs unless a digest of this period exists; a tick while one is signing does nothing. */
  tick(): Promise<void> {
    this.running ??= this.signIfDue()
      .catch((error: unknown) =>
        this.logger.error(`Signing the stream-heads digest failed: ${String(error)}`),
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async signIfDue(): Promise<void> {
    const latest = await this.recorded.latest().catch(() => null);
    const age = latest ? Date.now() - Date.parse(latest.payload.created_at) : Number.POSITIVE_INFINITY;
    if (age < this.config.AUDIT_DIGEST_INTERVAL_SECONDS * 1_000 * DUE_FRACTION) return;
    const signed = await this.signer.sign({ actor: 'system', source: 'projector' });
    this.logger.log(
      `Signed digest ${signed.payload.digest_id}: ${signed.payload.stream_count} streams up to ${signed.payload.log_position}`,
    );
  }
}
