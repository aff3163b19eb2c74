/** The slice of Anthropic's Messages API (`POST /v1/messages`, version 2023-06-01) the gateway speaks. */

export const ANTHROPIC_VERSION = '2023-06-01';

/** A prompt-caching breakpoint: the prefix up to this block is cached (5 minutes, or 1 hour). */
export interface AnthropicCacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | Array<AnthropicTextBlock | AnthropicImageBlock>;
  is_error?: boolean;
  cache_control?: AnthropicCacheControl;
}

/** Extended thinking an assistant turn is replayed with; the signature proves Anthropic produced it. */
export interface AnthropicThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface AnthropicRedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

/**
 * A document the model reads: a PDF (inline or by https URL), plain text, or text and image blocks;
 * with `citations` the answer points back into it.
 */
export interface AnthropicDocumentBlock {
  type: 'document';
  source:
    | { type: 'base64'; media_type: 'application/pdf'; data: string }
    | { type: 'url'; url: string }
    | { type: 'text'; media_type: 'text/plain'; data: string }
    | { type: 'content'; content: string | Array<AnthropicTextBlock | AnthropicImageBlock> };
  title?: string | null;
  context?: string | null;
  citations?: { enabled?: boolean } | null;
  cache_control?: AnthropicCacheControl;
}

export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock;

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | AnthropicContentBlock[];
}

/** A tool the client runs: the model asks for it with a `tool_use` block. */
export interface AnthropicCustomTool {
  type?: 'custom';
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  cache_control?: AnthropicCacheControl;
}

/** The server tools the gateway forwards; Anthropic runs them itself, within the one request. */
export const ANTHROPIC_SERVER_TOOLS = ['web_search_20250305', 'web_fetch_20250910'] as const;

/** A tool Anthropic runs on its side (web search, web fetch), with the options its type takes. */
export interface AnthropicServerTool {
  type: (typeof ANTHROPIC_SERVER_TOOLS)[number];
  name: string;
  [option: string]: unknown;
}

export type AnthropicTool = AnthropicCustomTool | AnthropicServerTool;

export function isCustomTool(tool: AnthropicTool): tool is AnthropicCustomTool {
  return tool.type === undefined || tool.type === 'custom';
}

export type AnthropicToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string | AnthropicTextBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  thinking?:
    | { type: 'enabled'; budget_tokens: number }
    | { type: 'adaptive'; display?: 'summarized' | 'omitted' | null }
    | { type: 'disabled' | 'between_tools' };
  output_config?: { effort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max' | null };
  /** Caches the prompt up to its last cacheable block. */
  cache_control?: AnthropicCacheControl;
  service_tier?: 'auto' | 'standard_only';
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  metadata?: { user_id: string };
  stream?: boolean;
  /** Anthropic's context editing (beta `context-management-2025-06-27`): which old turns to clear. */
  context_management?: { edits?: Array<Record<string, unknown>> };
}

export type AnthropicStopReason =
  'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | null;

export interface AnthropicUsage {
  /** The input tokens after the last cache breakpoint: neither read from nor written to the cache. */
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** `cache_creation_input_tokens` split by the lifetime they were written for. */
  cache_creation?: {
    ephemeral_5m_input_tokens?: number | null;
    ephemeral_1h_input_tokens?: number | null;
  } | null;
  /** Server-side tools Anthropic ran for the request, billed per use. */
  server_tool_use?: { web_search_requests?: number | null; web_fetch_requests?: number | null } | null;
}

export interface AnthropicResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  /** Block types the gateway does not translate (e.g. `thinking`) may appear too and are skipped. */
  content: Array<AnthropicTextBlock | AnthropicToolUseBlock>;
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
  usage?: AnthropicUsage;
}

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/**
 * The events of a streamed Message, each sent as `event: <type>` + `data: <json>`. Types the gateway does
 * not translate (thinking blocks, signature deltas, future events) are skipped.
 */
export type AnthropicStreamEvent =
  | { type: 'message_start'; message: Omit<AnthropicResponse, 'content'> & { content: unknown[] } }
  | {
      type: 'content_block_start';
      index: number;
      content_block: AnthropicTextBlock | AnthropicToolUseBlock;
    }
  | {
      type: 'content_block_delta';
      index: number;
      delta: { type: 'text_delta'; text: string } | { type: 'input_json_delta'; partial_json: string };
    }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: AnthropicStopReason; stop_sequence: string | null };
      usage?: Partial<AnthropicUsage>;
    }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | AnthropicErrorBody;
