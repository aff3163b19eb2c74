import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  EVENT_STORE,
  type EventStore,
  type GlobalPosition,
  type Subscription,
} from '@ops/infra/event-store/event-store';
import { Observable, Subject } from 'rxjs';
import type { LiveNoticeView } from './dto/console-session.dto';
import { LIVE_CATEGORIES, liveNotices } from './live-notices';

interface Following {
  subscription: Subscription;
  /** The position of the last event the feed passed on, or where it started. */
  passed(): GlobalPosition;
}

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
  private running: Promise<Following | null> | null = null;

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
   * Once the feed follows the log, the position a console that just subscribed gets notices after
   * (null if the feed could not start): the last event the feed passed on, or its starting head. Not
   * the starting head of a feed already running for other consoles, whose later notices went out
   * before this one listened. A console that refetches with reads waiting for this position misses
   * nothing: what came before is in the read models it gets, what comes after reaches it as a notice.
   */
  async following(): Promise<GlobalPosition | null> {
    return (await this.running)?.passed() ?? null;
  }

  async onModuleDestroy(): Promise<void> {
    this.listeners = 0;
    await this.stop();
  }

  private async start(): Promise<Following | null> {
    try {
      const from = await this.store.headPosition();
      let passed = from;
      const subscription = this.store.subscribeAll(
        { from, filter: { streamPrefixes: LIVE_CATEGORIES }, maxBatchSize: 500 },
        async (events) => {
          for (const event of events) {
            passed = event.position;
            for (const notice of liveNotices(event)) this.notices.next(notice);
          }
        },
      );
      subscription.done.catch((error: unknown) =>
        this.logger.error({ err: error }, 'console live feed stopped'),
      );
      return { subscription, passed: () => passed };
    } catch (error) {
      this.logger.error({ err: error }, 'console live feed could not start');
      return null;
    }
  }

  private async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    await (await running)?.subscription.stop();
  }
}
