import type { DomainEvent } from '../shared/decider';

/** One upstream call made for a request, in the order they were tried. */
export interface UpstreamAttempt {
  provider: string;
  model: string;
  outcome: 'ok' | 'rate_limited' | 'server_error' | 'timeout' | 'connection' | 'rejected';
  status: number | null;
  latencyMs: number;
}

/** A request's own routing controls, as the client sent them (OpenRouter's `models` and `provider`). */
export interface RecordedRoutingControls {
  models?: string[];
  order?: string[];
  only?: string[];
  ignore?: string[];
  allowFallbacks?: boolean;
  sort?: string;
}

/** The router's choice for a request, and the credit hold that covered it. */
export type RequestRoute = {
  apiKeyId: string | null;
  requestedModel: string;
  powerLevel: string;
  task: string;
  privacy: boolean;
  streamed: boolean;
  candidates: { provider: string; model: string; byok: boolean; reason: string }[];
  reservationId: string | null;
  reservedMicros: string;
  /**
   * Why the chain is what it is, for auditors (RequestCompleted schema 4, RequestFailed schema 3;
   * absent before): the controls the request sent (null: none), and the power level's ceiling `auto`
   * held the chain to, in micro-USD the account is charged.
   */
  controls?: RecordedRoutingControls | null;
  ceilingMicros?: string;
};

/**
 * The router's choice, recorded before the first upstream call by earlier versions. A request's one
 * event, its completion or failure, now carries the choice (`route`); the hold on the account records
 * a request in flight. Kept so that older streams still read.
 */
export type RequestRouted = DomainEvent<
  'RequestRouted',
  RequestRoute & { requestId: string; userId: string; tier: string }
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
    /** Every input token, cached ones included. */
    inputTokens: number;
    outputTokens: number;
    /** The part of `inputTokens` read from the provider's prompt cache (schema 4; absent: none). */
    cacheReadTokens?: number;
    /** The part of `inputTokens` written to the provider's prompt cache (schema 4; absent: none). */
    cacheWriteTokens?: number;
    /** The part of `cacheWriteTokens` written for one hour, priced higher (schema 5; absent: none). */
    cacheWrite1hTokens?: number;
    /** Web searches the provider ran for the request, each charged (schema 5; absent: none). */
    webSearchRequests?: number;
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
    /** How it was routed (schema 2; earlier, a RequestRouted before it said so). */
    route?: RequestRoute;
    /** What answered (schema 3): chat completions when absent. */
    endpoint?: 'chat' | 'embeddings';
    /**
     * The unit prices the cost was computed with, and the catalog version they came from (schema 3):
     * version 0 is the catalog the node started with, each catalog change adds one.
     */
    pricing?: RequestPricing;
  }
>;

export interface RequestPricing {
  catalogVersion: number;
  inputMicrosPerMillion: string;
  outputMicrosPerMillion: string;
  /** The model's prompt-cache rates (schema 4), when it has them; cached tokens cost the input price otherwise. */
  cacheReadMicrosPerMillion?: string;
  cacheWriteMicrosPerMillion?: string;
  /** The model's long-context rates and per-search price (schema 5), when it has them. */
  inputMicrosPerMillionAbove200k?: string;
  outputMicrosPerMillionAbove200k?: string;
  webSearchMicrosPerRequest?: string;
}

export type RequestFailed = DomainEvent<
  'RequestFailed',
  {
    requestId: string;
    userId: string;
    tier: string;
    error: { type: string; code: string; status: number; message: string };
    latencyMs: number;
    attempts: UpstreamAttempt[];
    /** How it was routed (schema 2); absent when it was refused before routing. */
    route?: RequestRoute;
  }
>;

export type LlmRequestEvent = RequestRouted | RequestCompleted | RequestFailed;

export const LLM_REQUEST_SCHEMA_VERSIONS: Record<LlmRequestEvent['type'], number> = {
  RequestRouted: 1,
  RequestCompleted: 5,
  RequestFailed: 3,
};

export const LLM_REQUEST_EVENT_TYPES = Object.keys(
  LLM_REQUEST_SCHEMA_VERSIONS,
) as readonly LlmRequestEvent['type'][];
