/** What a fake provider says, derived from the request alone so tests can predict every byte. */

/** The phrase in the last user message that makes a fake answer with a call to one of the request's tools. */
export const TOOL_TRIGGER = 'use a tool';

/** The fakes' "tokenizer": one token per whitespace-separated word. */
export function wordCount(text: string): number {
  let count = 0;
  for (const word of text.split(/\s+/)) if (word) count++;
  return count;
}

/** `<name> says hello to <model>`, one piece (= one output token) per word, spaces kept. */
export function replyPieces(name: string, model: string): string[] {
  return wordPieces(`${name} says hello to ${model}`);
}

export function wordPieces(text: string): string[] {
  const words = text.split(' ');
  return words.map((word, i) => (i < words.length - 1 ? `${word} ` : word));
}

/** The first `maxTokens` pieces, and whether the limit cut the reply. */
export function limitPieces(pieces: string[], maxTokens: unknown): { pieces: string[]; truncated: boolean } {
  if (typeof maxTokens !== 'number' || maxTokens >= pieces.length) return { pieces, truncated: false };
  return { pieces: pieces.slice(0, Math.max(0, maxTokens)), truncated: true };
}

/** The arguments of a fake tool call, as JSON streamed in three pieces (one output token each). */
export function toolArgumentPieces(lastUserText: string): string[] {
  const json = JSON.stringify({ request: lastUserText });
  const third = Math.ceil(json.length / 3);
  return [json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)];
}

export function wantsTool(lastUserText: string): boolean {
  return lastUserText.toLowerCase().includes(TOOL_TRIGGER);
}
