/** A content part of an OpenAI-style message: text parts carry `text`, image parts `image_url`. */
export interface ContentPart {
  readonly type: string;
  readonly text?: string;
  readonly image_url?: { readonly url: string; readonly detail?: string };
}

/** The parts of an OpenAI chat message the routing policy reads; the wire DTO fits this shape as is. */
export interface ChatMessageLike {
  readonly role: string;
  readonly content: string | readonly ContentPart[] | null;
  readonly name?: string;
  readonly tool_calls?: unknown;
}

export function messageText(content: ChatMessageLike['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? '').join('\n');
}

export function messageLength(content: ChatMessageLike['content']): number {
  if (content === null) return 0;
  if (typeof content === 'string') return content.length;
  return content.reduce((sum, part) => sum + (part.text?.length ?? 0), 0);
}
