import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type Subscription } from '@ops/infra/event-store/event-store';
import { Observable, Subject } from 'rxjs';
import type { LiveNoticeView } from './dto/console-session.dto';
import { LIVE_CATEGORIES, liveNotices } from './live-notices';

/**
 * One subscription to the event log per process, shared by every open console: it starts at the
 * log's head when the first console connects and stops when the last one leaves, so an idle node
 * reads nothing for it.
 */
@Injectable()
export class ConsoleLiveFeed implements OnModuleDestroy {
  private readonly logger = new Logger(ConsoleLiveFeed.name);
  private readonly notices = new Subject<LiveNoticeView>();
  private listeners = 0;
  private running: Promise<Subscription | null> | null = null;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  notices$(): Observable<LiveNoticeView> {
    return new Observable<LiveNoticeView>((observer) => {
      const forwarding = this.notices.subscribe(observer);
      if (this.listeners++ === 0) this.running = this.start();
      return () => {
        forwarding.unsubscribe();
        if (--this.listeners === 0) void this.stop();
      };
    });
  }

  /**
   * Resolves once the feed follows the log from a known position (or could not start): a console that
   * refetches after this misses nothing, since every event after that position reaches it as a notice.
   */
  async following(): Promise<void> {
    await this.running;
  }

  async onModuleDestroy(): Promise<void> {
    this.listeners = 0;
    await this.stop();
  }

  private async start(): Promise<Subscription | null> {
    try {
      const from = await this.store.headPosition();
      const subscription = this.store.subscribeAll(
        { from, filter: { streamPrefixes: LIVE_CATEGORIES }, maxBatchSize: 500 },
        async (events) => {
          for (const event of events) for (const notice of liveNotices(event)) this.notices.next(notice);
        },
      );
      subscription.done.catch((error: unknown) =>
        this.logger.error({ err: error }, 'console live feed stopped'),
      );
      return subscription;
    } catch (error) {
      this.logger.error({ err: error }, 'console live feed could not start');
      return null;
    }
  }

  private async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    await (await running)?.stop();
  }
}
