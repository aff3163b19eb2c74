/** Who asked, and how to tie the resulting events to the request that caused them. */
export interface CommandContext {
  actor: string;
  correlationId: string;
  causationId: string | null;
  /** From the `Idempotency-Key` header or a command id: the same key never appends twice. */
  idempotencyKey?: string;
  /**
   * What the key was sent with (an HTTP request's method, path and body, hashed): the commands of one
   * request share its key, and the key sent again with anything else is refused. Without it, the key
   * belongs to the one command on the one stream it was first used for.
   */
  idempotencyScope?: string;
  /** The component handling the command, recorded as the events' `source`. */
  source: string;
}
