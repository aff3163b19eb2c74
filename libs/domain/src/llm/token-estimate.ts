import type { ChatMessageLike } from './chat-message';

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

export function estimatePromptTokens(
  messages: readonly ChatMessageLike[],
  tools?: readonly unknown[],
): number {
  let tokens = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    tokens += MESSAGE_OVERHEAD_TOKENS + contentTokens(message.content);
    if (message.name) tokens += estimateTextTokens(message.name);
    if (message.tool_calls !== undefined)
      tokens += estimateTextTokens(JSON.stringify(message.tool_calls) ?? '');
  }
  for (const tool of tools ?? [])
    tokens += TOOL_OVERHEAD_TOKENS + estimateTextTokens(JSON.stringify(tool) ?? '');
  return tokens;
}

function contentTokens(content: ChatMessageLike['content']): number {
  if (content === null) return 0;
  if (typeof content === 'string') return estimateTextTokens(content);
  return content.reduce(
    (sum, part) => sum + (part.text !== undefined ? estimateTextTokens(part.text) : IMAGE_PART_TOKENS),
    0,
  );
}
