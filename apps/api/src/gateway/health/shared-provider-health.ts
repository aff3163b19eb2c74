import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { SharedHealthReport } from '@ops/domain';
import { EVENT_STORE, type EventStore, type Subscription } from '@ops/infra/event-store/event-store';
import {
  loadProviderHealth,
  PROVIDER_HEALTH_FILTER,
  providerHealthReportOf,
  type ProviderHealthReport,
} from '@ops/read-models';
import { DataSource } from 'typeorm';

/**
 * The provider health every API replica reported, as this replica routes on it: the read model as
 * the node starts, then each report as the log delivers it, so routing reads memory and never the
 * database. A replica's own reports come back the same way.
 */
@Injectable()
export class SharedProviderHealth implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SharedProviderHealth.name);
  private readonly reports = new Map<string, ProviderHealthReport>();
  private readonly routing = new Map<string, SharedHealthReport>();
  private readonly listeners: ((provider: string) => void)[] = [];
  private subscription: Subscription | null = null;

  constructor(
    private readonly database: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async onModuleInit(): Promise<void> {
    const { reports, position } = await loadProviderHealth(this.database);
    reports.forEach((report) => this.apply(report));
    this.subscription = this.store.subscribeAll(
      { from: position, filter: PROVIDER_HEALTH_FILTER },
      async (events) => {
        for (const event of events) {
          const report = providerHealthReportOf(event);
          if (report) this.apply(report);
        }
      },
    );
    this.subscription.done.catch((error: unknown) =>
      this.logger.error({ err: error }, 'Shared provider health stopped following the log; restart the node'),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }

  /** Called with the provider whose report changed. */
  onChange(listener: (provider: string) => void): void {
    this.listeners.push(listener);
  }

  /** The latest report of a provider, as routing weighs it. */
  forRouting(provider: string): SharedHealthReport | undefined {
    return this.routing.get(provider);
  }

  /** The latest report of a provider, as the health view shows it. */
  latest(provider: string): ProviderHealthReport | undefined {
    return this.reports.get(provider);
  }

  private apply(report: ProviderHealthReport): void {
    this.reports.set(report.provider, report);
    this.routing.set(report.provider, {
      status: report.status,
      coolingDownUntil: report.coolingDownUntil === null ? null : Date.parse(report.coolingDownUntil),
      reportedAt: Date.parse(report.reportedAt),
    });
    this.listeners.forEach((listener) => listener(report.provider));
  }
}
