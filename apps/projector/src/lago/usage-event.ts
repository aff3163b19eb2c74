import { isValidUserId, type RequestCompleted } from '@ops/domain';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import type { EventInputObject } from 'lago-javascript-client';

/** A completed request as Lago receives it, with what we record about its delivery. */
export interface UsageItem {
  eventId: string;
  userId: string;
  requestId: string;
  costMicros: bigint;
  occurredAt: string;
  lagoEvent: EventInputObject;
}

/** A request id becomes the same Lago transaction id every time, so Lago itself refuses a resend. */
export function usageTransactionId(requestId: string): string {
  return `llm-request:${requestId}`;
}

const DIGITS = /^\d{1,19}$/;

/** Why an event cannot become a Lago event (it is parked with that reason), or null when it can. */
function malformation(data: Partial<RequestCompleted['data']>, occurredAt: string): string | null {
  if (typeof data.requestId !== 'string' || data.requestId.length === 0) return 'no requestId';
  if (typeof data.userId !== 'string' || !isValidUserId(data.userId)) return 'no valid userId';
  if (typeof data.costMicros !== 'string' || !DIGITS.test(data.costMicros))
    return 'costMicros is not an amount';
  if (!Number.isSafeInteger(data.inputTokens) || !Number.isSafeInteger(data.outputTokens))
    return 'token counts are not integers';
  if (Number.isNaN(Date.parse(occurredAt))) return 'occurredAt is not a time';
  return null;
}

/**
 * Maps a RequestCompleted to a Lago usage event: the event's own time (seconds, with milliseconds),
 * the billable metric's code, and the properties finance prices and reports by.
 */
export function toUsageItem(
  event: RecordedEvent,
  subscriptionOf: (userId: string) => string,
  metricCode: string,
): UsageItem | { eventId: string; userId: string; problem: string } {
  const data = event.data as Partial<RequestCompleted['data']>;
  const problem = malformation(data, event.metadata.occurredAt);
  if (problem) return { eventId: event.id, userId: String(data.userId ?? ''), problem };
  const complete = data as RequestCompleted['data'];
  return {
    eventId: event.id,
    userId: complete.userId,
    requestId: complete.requestId,
    costMicros: BigInt(complete.costMicros),
    occurredAt: event.metadata.occurredAt,
    lagoEvent: {
      transaction_id: usageTransactionId(complete.requestId),
      external_subscription_id: subscriptionOf(complete.userId),
      code: metricCode,
      timestamp: Date.parse(event.metadata.occurredAt) / 1000,
      properties: {
        model: complete.model,
        provider: complete.provider,
        input_tokens: complete.inputTokens,
        output_tokens: complete.outputTokens,
        cost_micros: complete.costMicros,
        byok: complete.byok,
        tier: complete.tier,
      },
    },
  };
}
