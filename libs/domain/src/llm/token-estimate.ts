import type { ChatMessageLike, ContentPart } from './chat-message';

/*
 * Credits are reserved before the upstream answers, from this estimate, so it must not fall far below
 * what the provider will bill. English prose runs about 4 characters per token and code about 3 in the
 * common BPE vocabularies; 3 keeps the estimate at or above both. Outside ASCII (CJK, Cyrillic, emoji)
 * a character often costs a whole token or more, so each UTF-16 unit counts as one.
 */
const ASCII_CHARS_PER_TOKEN = 3;
/** Role markers and separators the chat template wraps around every message. */
const MESSAGE_OVERHEAD_TOKENS = 4;
/** The template's opening of the assistant's reply. */
const REPLY_PRIMING_TOKENS = 3;
/** An image's size is unknown here; a high-detail image costs up to about this much on the large providers. */
const IMAGE_PART_TOKENS = 1_600;
/** Tool definitions are rendered into the prompt with some wrapping around their JSON. */
const TOOL_OVERHEAD_TOKENS = 8;

export function estimateTextTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / ASCII_CHARS_PER_TOKEN) + other;
}

/** What the estimate reads of a request; every other field of it is counted as serialized. */
export interface EstimatedRequest {
  readonly messages: readonly Pick<Partial<ChatMessageLike>, 'content'>[];
  readonly tools?: readonly unknown[] | null;
}

/**
 * The prompt tokens of a whole request as it goes upstream: every field of its JSON (messages, tools,
 * response_format, stop, tool_choice, metadata…) counted as text, since a provider renders much of it
 * into the prompt and the rest is bounded at the edge anyway, plus the chat template's overheads. An
 * image is billed by its pixels, not by the characters of its URL, so each counts a fixed allowance.
 */
export function estimateRequestTokens(request: EstimatedRequest): number {
  let images = 0;
  const messages = request.messages.map((message) => {
    if (!Array.isArray(message.content)) return message;
    const content = (message.content as readonly ContentPart[]).map((part) => {
      if (part.image_url === undefined) return part;
      images++;
      return { ...part, image_url: { ...part.image_url, url: '' } };
    });
    return { ...message, content };
  });
  const serialized = JSON.stringify({ ...request, messages });
  return (
    REPLY_PRIMING_TOKENS +
    MESSAGE_OVERHEAD_TOKENS * messages.length +
    TOOL_OVERHEAD_TOKENS * (request.tools?.length ?? 0) +
    IMAGE_PART_TOKENS * images +
    estimateTextTokens(serialized)
  );
}

/** What an embeddings request's input costs: all of it, and its longest item (each must fit the model). */
export interface EmbeddingInputTokens {
  readonly total: number;
  readonly longest: number;
}

/** Strings are estimated like prompt text; token arrays are counted exactly. */
export function estimateEmbeddingTokens(
  input: string | readonly string[] | readonly number[] | readonly (readonly number[])[],
): EmbeddingInputTokens {
  const items: readonly (string | readonly number[])[] =
    typeof input === 'string'
      ? [input]
      : input.length > 0 && typeof input[0] === 'number'
        ? [input as readonly number[]]
        : (input as readonly (string | readonly number[])[]);
  const counts = items.map((item) => (typeof item === 'string' ? estimateTextTokens(item) : item.length));
  return { total: counts.reduce((sum, count) => sum + count, 0), longest: Math.max(0, ...counts) };
}
