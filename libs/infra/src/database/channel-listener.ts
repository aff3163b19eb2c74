import { Client } from 'pg';

const RECONNECT_DELAY_MS = 1_000;

/** What a ChannelListener tells its owner. */
export interface ChannelEvents {
  notified(payload: string | undefined): void;
  /** Listening (again): whatever was sent on the channel before went unheard. */
  listening(): void;
  /** The connection was lost, or went silent; another is tried a second later. */
  lost(): void;
}

/**
 * A connection can die without a word (a half-open socket after a network fault or a failover): it is
 * asked to answer every `everyMs` while `wanted()` says it matters, and counted lost when it does not
 * within `timeoutMs`. Each look is a transaction, hence `wanted`: an idle process need not look.
 */
export interface Heartbeat {
  everyMs: number;
  timeoutMs: number;
  wanted(): boolean;
}

/**
 * One connection LISTENing on a PostgreSQL channel from `start` until `close`, connected again a second
 * after it is lost; TCP keep-alive on.
 */
export class ChannelListener {
  private client: Client | null = null;
  private started = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly events: ChannelEvents,
    private readonly heartbeat?: Heartbeat,
  ) {}

  /** Starts listening; later calls do nothing. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.forget();
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.connectionString, keepAlive: true });
    client.on('notification', (message) => this.events.notified(message.payload));
    client.on('error', () => this.lose(client));
    client.on('end', () => this.lose(client));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch {
      this.lose(client);
      return;
    }
    if (this.client !== client) {
      // Closed (or lost) while connecting.
      await client.end().catch(() => undefined);
      return;
    }
    const heartbeat = this.heartbeat;
    if (heartbeat) {
      this.heartbeatTimer = setInterval(() => {
        if (heartbeat.wanted()) void this.check(client, heartbeat.timeoutMs);
      }, heartbeat.everyMs);
      this.heartbeatTimer.unref();
    }
    this.events.listening();
  }

  private async check(client: Client, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`LISTEN ${this.channel}: no answer`)), timeoutMs);
    });
    try {
      await Promise.race([client.query('SELECT 1'), silent]);
    } catch {
      this.lose(client);
    } finally {
      clearTimeout(timer);
    }
  }

  private lose(client: Client): void {
    if (this.client !== client) return;
    this.forget();
    client.removeAllListeners('notification');
    void client.end().catch(() => undefined);
    this.events.lost();
    if (this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, RECONNECT_DELAY_MS);
    this.retry.unref();
  }

  private forget(): void {
    this.client = null;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}
