import { randomUUID } from 'node:crypto';
import { ChannelListener } from '../../database/channel-listener';
import type { GlobalPosition } from '../event-store';
import type { Queryable } from './event-rows';
import { readHead } from './reads';

const CHANNEL = 'event_store';

/**
 * What an append of this process stored, so that a subscription whose filter matches none of it can
 * sleep on; a hint from elsewhere (NOTIFY, a reconnect) carries none and wakes every subscription.
 */
export type AppendHint = readonly { streamName: string; type: string }[];

type Listener = (hint?: AppendHint) => void;
/**
 * Under load a NOTIFY after every commit costs a round trip per append batch; one per interval
 * wakes remote subscribers just as well (they read everything visible when they wake).
 */
const MIN_NOTIFY_INTERVAL_MS = 10;

/**
 * Wakes subscriptions when new events may be visible: at once for appends made through this store,
 * and through LISTEN/NOTIFY for appends made by other processes. A wake-up is only a hint (the
 * cursor decides what is read), so a lost notification costs latency, never an event; subscriptions
 * also poll, because a row becomes visible when an older transaction ends, which notifies nobody.
 *
 * The NOTIFY is sent after the append commits, in a transaction of its own, one at a time and at
 * most one per MIN_NOTIFY_INTERVAL_MS: inside the append it would take PostgreSQL's database-wide
 * notify lock until commit and serialise every append (measured: 3-4x fewer appends per second with
 * 16 writers).
 *
 * In case a notification was lost, the notifier itself reads the log's head every idle interval in
 * which no hint came, and wakes every subscription only when the head has moved: one query per
 * interval for the whole process, instead of one read per subscription.
 */
export class ChangeNotifier {
  private readonly listeners = new Set<Listener>();
  /** Sent with each NOTIFY, so that our own comes back as nothing new: our appends woke us already. */
  private readonly origin = randomUUID();
  private readonly channel: ChannelListener;
  private notifyInFlight = false;
  private notifyAgain = false;
  private closed = false;
  private headTimer: NodeJS.Timeout | null = null;
  /** The head as the last quiet interval's look found it. */
  private polledHead: GlobalPosition | undefined;
  private hintedSincePoll = false;

  /** `notifyOthers` false: every process that reads this log live is this one, so NOTIFY is not sent. */
  constructor(
    connectionString: string,
    private readonly db: Queryable,
    private readonly notifyOthers = true,
    private readonly idlePollIntervalMs = 5_000,
  ) {
    this.channel = new ChannelListener(connectionString, CHANNEL, {
      notified: (payload) => {
        if (payload !== this.origin) this.wakeAll();
      },
      // Whatever was appended while nobody listened sent notifications we never saw.
      listening: () => this.wakeAll(),
      // The readers poll meanwhile, and wake when the listener is back.
      lost: () => undefined,
    });
  }

  /** Calls `listener` on every hint until the returned function is called. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    this.channel.start();
    if (!this.headTimer && !this.closed) {
      this.headTimer = setInterval(() => void this.lookAtHead(), this.idlePollIntervalMs);
      this.headTimer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopLookingAtHead();
    };
  }

  /** An append through this store committed. */
  appended(hint: AppendHint): void {
    this.wakeAll(hint);
    if (this.notifyOthers) this.sendNotify();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopLookingAtHead();
    await this.channel.close();
  }

  private sendNotify(): void {
    if (this.closed) return;
    if (this.notifyInFlight) {
      // This append may have committed after the NOTIFY in flight was read: send one more.
      this.notifyAgain = true;
      return;
    }
    this.notifyInFlight = true;
    const sent = Date.now();
    this.db
      .query({
        name: 'event-store:notify',
        text: `SELECT pg_notify('${CHANNEL}', $1)`,
        values: [this.origin],
      })
      // Other processes poll too: a lost hint only delays them.
      .catch(() => undefined)
      .then(() => sleep(sent + MIN_NOTIFY_INTERVAL_MS - Date.now()))
      .finally(() => {
        this.notifyInFlight = false;
        if (this.notifyAgain) {
          this.notifyAgain = false;
          this.sendNotify();
        }
      });
  }

  private wakeAll(hint?: AppendHint): void {
    this.hintedSincePoll = true;
    for (const listener of this.listeners) listener(hint);
  }

  /** While hints flow the readers are awake anyway; only a quiet interval needs a look. */
  private async lookAtHead(): Promise<void> {
    const quiet = !this.hintedSincePoll;
    this.hintedSincePoll = false;
    if (!quiet) return;
    const head = await readHead(this.db).catch(() => undefined);
    if (head !== undefined && head === this.polledHead) return;
    this.polledHead = head;
    for (const listener of this.listeners) listener();
  }

  private stopLookingAtHead(): void {
    if (this.headTimer) clearInterval(this.headTimer);
    this.headTimer = null;
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
}
