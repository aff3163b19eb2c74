/** Who asked, and how to tie the resulting events to the request that caused them. */
export interface CommandContext {
  actor: string;
  correlationId: string;
  causationId: string | null;
  /** From the `Idempotency-Key` header or a command id: the same key never appends twice. */
  idempotencyKey?: string;
  /** The component handling the command, recorded as the events' `source`. */
  source: string;
}
