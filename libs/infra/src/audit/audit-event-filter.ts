/** What an auditor narrows the log to. Every field given must match; an empty filter is the whole log. */
export interface AuditEventFilter {
  /** One stream, by its exact name. */
  stream?: string;
  /** A stream-name prefix, e.g. `credit-account-`. */
  category?: string;
  type?: string;
  /** `metadata.actor`: who caused the event. */
  actor?: string;
  /** Recorded time (when the store wrote the event), inclusive. */
  from?: Date;
  /** Recorded time, exclusive. */
  to?: Date;
}
