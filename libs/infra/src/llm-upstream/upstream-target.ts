import type { ChatCompletionChunk } from './openai-wire';

export type UpstreamWireFormat = 'openai' | 'anthropic';

/** One provider endpoint and the model to ask there. */
export interface UpstreamTarget {
  provider: string;
  wireFormat: UpstreamWireFormat;
  /** Up to and including the API version, e.g. `https://api.groq.com/openai/v1`, `https://api.anthropic.com/v1`. */
  baseUrl: string;
  apiKey: string | null;
  model: string;
  /** How long to wait for the response headers (time to first byte), not for the whole answer. */
  timeoutMs: number;
  /** Anthropic only: the `anthropic-beta` header a Messages client sent, passed on with its request. */
  beta?: string | null;
}

export interface UpstreamUsage {
  /** Every input token, those read from or written to the provider's prompt cache included. */
  inputTokens: number;
  outputTokens: number;
  /** The part of `inputTokens` read from the prompt cache, when the provider says. */
  cacheReadTokens?: number;
  /** The part of `inputTokens` written to the prompt cache (Anthropic's cache_creation_input_tokens). */
  cacheWriteTokens?: number;
  /** The part of `cacheWriteTokens` written for one hour (Anthropic's `ephemeral_1h_input_tokens`). */
  cacheWrite1hTokens?: number;
  /** The web searches the provider ran for the request (Anthropic's `server_tool_use`). */
  webSearchRequests?: number;
}

export interface UpstreamStream<T = ChatCompletionChunk> {
  /**
   * OpenAI chunks whatever the upstream wire (Anthropic's own events from `messagesStream`). When the upstream reports usage, the last chunk carries it
   * with empty `choices` (as OpenAI does with `include_usage`); the caller decides whether to forward it.
   * Throws an `UpstreamError` when the upstream fails or drops mid-stream.
   */
  chunks: AsyncIterable<T>;
  /** The usage the upstream reported, once `chunks` is exhausted; null if it reported none. */
  usage(): UpstreamUsage | null;
  /** Stops reading and closes the upstream request (safe to call at any time, more than once). */
  close(): void;
}
