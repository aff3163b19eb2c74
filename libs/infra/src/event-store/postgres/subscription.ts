import type { BatchHandler, SubscribeOptions, Subscription } from '../event-store';
import { matchesEventFilter } from '../event-store';
import type { ChangeNotifier } from './change-notifier';
import type { Queryable } from './event-rows';
import { cursorFrom } from './event-rows';
import { readPage } from './reads';

const DEFAULT_MAX_BATCH_SIZE = 500;
/**
 * A live subscription reads at most this often however many hints arrive: each append wakes every
 * subscription of the process, and without a floor a dozen projections would each re-read the log
 * after every single append. Well under the projections' lag budget.
 */
const MIN_LIVE_READ_INTERVAL_MS = 15;
/**
 * A reader woken from idle by a hint waits this long before it reads: a gateway request appends its
 * hold and, a few milliseconds later, its settlement, and reading at the first hint would apply them
 * in two batches, the first while the request is still in flight on the same event loop.
 */
const GATHER_AFTER_HINT_MS = 5;

export interface SubscriptionContext {
  db: Queryable;
  notifier: ChangeNotifier;
  /**
   * Next look while committed events wait for an older transaction (whose end notifies nobody).
   * Otherwise a reader waits for a hint: the notifier looks at the head for lost notifications.
   */
  pollIntervalMs: number;
}

/**
 * Catch-up then live, from one loop: read a page after the cursor, hand it over, move the cursor;
 * when a page comes back short, wait for a hint (a notification, a local append, or the poll timer:
 * short while events are held back, long otherwise) and read again. The cursor only ever moves past what was read below the visible horizon, which is
 * what makes it skip nothing and repeat nothing.
 */
export class PostgresSubscription implements Subscription {
  readonly done: Promise<void>;
  private stopping = false;
  /** Set by every hint; cleared before each read, so a hint during a read is not lost. */
  private changed = true;
  private wake: (() => void) | null = null;

  constructor(context: SubscriptionContext, options: SubscribeOptions, onEvents: BatchHandler) {
    this.done = this.run(context, options, onEvents);
    // The failure is reported through `done`; a caller that never looks must not crash the process.
    this.done.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp();
    await this.done.catch(() => undefined);
  }

  private async run(
    context: SubscriptionContext,
    options: SubscribeOptions,
    onEvents: BatchHandler,
  ): Promise<void> {
    // This process's own appends say what they stored: none of it for this filter, no read.
    const unlisten = context.notifier.listen((hint) => {
      if (
        !hint ||
        hint.some(({ streamName, type }) => matchesEventFilter(options.filter, streamName, type))
      ) {
        this.wakeUp();
      }
    });
    try {
      const limit = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
      let cursor = cursorFrom(options.from);
      while (!this.stopping) {
        this.changed = false;
        const readAt = Date.now();
        const page = await readPage(context.db, cursor, options.filter, limit);
        if (this.stopping) return;
        if (page.events.length > 0) await onEvents(page.events);
        cursor = page.next;
        if (!page.full) {
          const woken = await this.idle(page.heldBack ? context.pollIntervalMs : undefined);
          await this.spacedFrom(readAt, woken === 'hint' ? GATHER_AFTER_HINT_MS : 0);
        }
      }
    } finally {
      unlisten();
    }
  }

  private wakeUp(): void {
    this.changed = true;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Hints arriving meanwhile stay recorded in `changed`; a stop waits at most the spacing. */
  private spacedFrom(readAt: number, gatherMs: number): Promise<void> {
    const wait = Math.max(readAt + MIN_LIVE_READ_INTERVAL_MS - Date.now(), gatherMs);
    if (wait <= 0 || this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => setTimeout(resolve, wait));
  }

  /**
   * Resolves with what ended the wait: a hint that came while waiting, the timer (when given), or
   * one already there.
   */
  private idle(pollIntervalMs: number | undefined): Promise<'hint' | 'timer' | 'pending'> {
    if (this.changed || this.stopping) return Promise.resolve('pending');
    return new Promise((resolve) => {
      const timer =
        pollIntervalMs === undefined
          ? undefined
          : setTimeout(() => {
              this.wake = null;
              resolve('timer');
            }, pollIntervalMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve('hint');
      };
    });
  }
}
