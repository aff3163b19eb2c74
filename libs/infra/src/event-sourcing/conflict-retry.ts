import { WrongExpectedRevisionError } from '../event-store/event-store';

/** Conflicts left after in-process serialization come from other processes; a few rounds absorb them. */
const MAX_ATTEMPTS = 20;

/** Whether a failed append is a conflict worth deciding again, on attempt `attempt` (1-based). */
export function retriesAfter(error: unknown, attempt: number): boolean {
  return error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS;
}

/** Jitter spreads writers from other processes apart so one of them wins each round. */
export function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
}
