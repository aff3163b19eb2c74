/**
 * Failures an adapter reports in the port's terms, so that callers never see a driver's own errors.
 * (Conflicts and reused ids live with the port itself: `WrongExpectedRevisionError`, `DuplicateEventIdError`.)
 */

/** The store cannot take the request now (a follower, a node starting or down); the adapter already retried. */
export class EventStoreUnavailableError extends Error {
  constructor(
    readonly reason: 'not-leader' | 'unavailable',
    options?: { cause?: unknown },
  ) {
    super(`The event store is unavailable (${reason})`, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/** An event's data or metadata has no JSON form (a BigInt, a cycle): refused before anything is sent. */
export class EventSerializationError extends Error {
  constructor(
    readonly streamName: string,
    readonly eventId: string,
    options?: { cause?: unknown },
  ) {
    super(`Stream ${streamName}: event ${eventId} cannot be serialised to JSON`, options);
    this.name = 'EventSerializationError';
  }
}

/** One event is larger than the store accepts in a single append, so splitting cannot help. */
export class EventTooLargeError extends Error {
  constructor(
    readonly streamName: string,
    readonly eventId: string,
    readonly maxBytes: number,
  ) {
    super(`Stream ${streamName}: event ${eventId} is larger than the store's ${maxBytes}-byte append limit`);
    this.name = 'EventTooLargeError';
  }
}
