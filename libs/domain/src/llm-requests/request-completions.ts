import { CREDIT_ACCOUNT_CATEGORY } from '../credits/credit-account.stream';
import type { CreditsDebited, SettledRequest } from '../credits/credit-account.events';
import { LLM_REQUEST_CATEGORY } from './llm-request.stream';
import { LLM_REQUEST_SCHEMA_VERSIONS, type RequestCompleted } from './llm-request.events';

/**
 * Where completed requests are recorded: a request with a credit hold in the debit that settles it
 * (CreditsDebited schema 4, on the account's stream), any other in a RequestCompleted on its own stream.
 */
export const REQUEST_COMPLETION_SOURCES = {
  streamPrefixes: [LLM_REQUEST_CATEGORY, CREDIT_ACCOUNT_CATEGORY],
  eventTypes: ['RequestCompleted', 'CreditsDebited'],
} as const;

/** Where finished requests are recorded: their completions, and their failures (on the request's stream). */
export const REQUEST_OUTCOME_SOURCES = {
  streamPrefixes: REQUEST_COMPLETION_SOURCES.streamPrefixes,
  eventTypes: [...REQUEST_COMPLETION_SOURCES.eventTypes, 'RequestFailed'],
} as const;

interface Envelope {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Record<string, unknown>;
}

/**
 * A recorded event as the request completion it records, in RequestCompleted's current shape and with
 * the rest of its envelope (id, position, metadata) unchanged; null when it records none (a debit before
 * schema 4, whose request has a RequestCompleted of its own, or any other event).
 */
export function asRequestCompleted<E extends Envelope>(
  event: E,
): (Omit<E, 'type' | 'data'> & { type: 'RequestCompleted'; data: RequestCompleted['data'] }) | null {
  if (event.type === 'RequestCompleted')
    return { ...event, type: 'RequestCompleted', data: event.data as RequestCompleted['data'] };
  if (event.type !== 'CreditsDebited') return null;
  const debit = event.data as CreditsDebited['data'];
  if (!debit.request) return null;
  const { route, ...settled } = debit.request;
  const request = { ...USUAL_REQUEST, ...settled };
  return {
    ...event,
    type: 'RequestCompleted',
    schemaVersion: LLM_REQUEST_SCHEMA_VERSIONS.RequestCompleted,
    data: {
      ...request,
      requestId: debit.requestId,
      userId: debit.userId,
      costMicros: debit.amountMicros,
      ...(route
        ? {
            route: {
              ...USUAL_ROUTE,
              streamed: request.streamed,
              requestedModel: request.model,
              ...route,
              candidates: route.candidates.map((candidate) => ({ byok: false, ...candidate })),
              reservationId: debit.reservationId,
            },
          }
        : {}),
    },
  };
}

/** A completion as the debit settling its hold carries it: `asRequestCompleted` gives it back whole. */
export function settledRequestOf(completed: RequestCompleted['data']): SettledRequest {
  const { userId: _userId, requestId: _requestId, costMicros: _costMicros, route, ...request } = completed;
  const settled = withoutUsual(request, USUAL_REQUEST);
  if (!route) return settled;
  const { reservationId: _reservationId, candidates, ...settledRoute } = route;
  return {
    ...settled,
    route: {
      ...withoutUsual(settledRoute, {
        ...USUAL_ROUTE,
        streamed: request.streamed,
        requestedModel: request.model,
      }),
      candidates: candidates.map((candidate) => withoutUsual(candidate, { byok: false })),
    },
  };
}

/** What a debit's request record leaves out when it holds this value. */
const USUAL_REQUEST = {
  byok: false,
  streamed: false,
  clientDisconnected: false,
  usageEstimated: false,
  endpoint: 'chat',
} as const;

const USUAL_ROUTE = { apiKeyId: null, privacy: false, controls: null } as const;

function withoutUsual<T extends object>(record: T, usual: Record<string, unknown>): T {
  return Object.fromEntries(
    Object.entries(record).filter(([key, value]) => !(key in usual && usual[key] === value)),
  ) as T;
}
