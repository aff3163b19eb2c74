import type { DomainEvent } from '../shared/decider';

/** One upstream call made for a request, in the order they were tried. */
export interface UpstreamAttempt {
  provider: string;
  model: string;
  outcome: 'ok' | 'rate_limited' | 'server_error' | 'timeout' | 'connection' | 'rejected';
  status: number | null;
  latencyMs: number;
}

/** The router's choice, recorded before the first upstream call. */
export type RequestRouted = DomainEvent<
  'RequestRouted',
  {
    requestId: string;
    userId: string;
    apiKeyId: string | null;
    requestedModel: string;
    powerLevel: string;
    task: string;
    privacy: boolean;
    tier: string;
    streamed: boolean;
    candidates: { provider: string; model: string; byok: boolean; reason: string }[];
    reservationId: string | null;
    reservedMicros: string;
  }
>;

/**
 * What a request cost. `costMicros` is what the user's credits paid (zero with their own key);
 * `listCostMicros` is the catalog price of the same tokens, kept for usage reports either way.
 */
export type RequestCompleted = DomainEvent<
  'RequestCompleted',
  {
    requestId: string;
    userId: string;
    provider: string;
    model: string;
    byok: boolean;
    tier: string;
    inputTokens: number;
    outputTokens: number;
    costMicros: string;
    listCostMicros: string;
    latencyMs: number;
    attempts: UpstreamAttempt[];
    streamed: boolean;
    finishReason: string | null;
    /** True when the client went away mid-stream: it pays for what was generated until then. */
    clientDisconnected: boolean;
    /** True when token counts were estimated because the upstream reported no usage. */
    usageEstimated: boolean;
  }
>;

export type RequestFailed = DomainEvent<
  'RequestFailed',
  {
    requestId: string;
    userId: string;
    tier: string;
    error: { type: string; code: string; status: number; message: string };
    latencyMs: number;
    attempts: UpstreamAttempt[];
  }
>;

export type LlmRequestEvent = RequestRouted | RequestCompleted | RequestFailed;

export const LLM_REQUEST_SCHEMA_VERSIONS: Record<LlmRequestEvent['type'], number> = {
  RequestRouted: 1,
  RequestCompleted: 1,
  RequestFailed: 1,
};

export const LLM_REQUEST_EVENT_TYPES = Object.keys(
  LLM_REQUEST_SCHEMA_VERSIONS,
) as readonly LlmRequestEvent['type'][];
