import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const MAX_MESSAGES = 2_000;

function isTextPart(part: unknown): boolean {
  return typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'text'
    ? typeof (part as { text?: unknown }).text === 'string'
    : false;
}

function isImagePart(part: unknown): boolean {
  const image = (part as { type?: unknown; image_url?: { url?: unknown } }) ?? {};
  return image.type === 'image_url' && typeof image.image_url?.url === 'string';
}

function validContent(role: string, content: unknown): boolean {
  if (typeof content === 'string') return true;
  if (content === null || content === undefined) return role === 'assistant';
  if (!Array.isArray(content) || content.length === 0) return false;
  return content.every((part) => isTextPart(part) || (role === 'user' && isImagePart(part)));
}

function validToolCalls(calls: unknown): boolean {
  return (
    Array.isArray(calls) &&
    calls.every(
      (call: { id?: unknown; type?: unknown; function?: { name?: unknown; arguments?: unknown } }) =>
        typeof call?.id === 'string' &&
        call.type === 'function' &&
        typeof call.function?.name === 'string' &&
        typeof call.function?.arguments === 'string',
    )
  );
}

/** Why one message is malformed, or null. */
export function messageProblem(message: unknown, index: number): string | null {
  if (typeof message !== 'object' || message === null) return `messages[${index}] must be an object`;
  const {
    role,
    content,
    tool_calls: toolCalls,
    tool_call_id: toolCallId,
  } = message as Record<string, unknown>;
  if (typeof role !== 'string' || !ROLES.has(role)) {
    return `messages[${index}].role must be one of ${[...ROLES].join(', ')}`;
  }
  if (!validContent(role, content))
    return `messages[${index}].content is missing or malformed for role ${role}`;
  if (toolCalls !== undefined && (role !== 'assistant' || !validToolCalls(toolCalls))) {
    return `messages[${index}].tool_calls is malformed`;
  }
  if (role === 'tool' && typeof toolCallId !== 'string') return `messages[${index}].tool_call_id is required`;
  if (role === 'assistant' && (content === null || content === undefined) && toolCalls === undefined) {
    return `messages[${index}] needs content or tool_calls`;
  }
  return null;
}

/**
 * Messages come in several shapes (text, parts, tool calls, tool results), which nested DTO classes
 * would either reject or silently strip; this checks each shape the OpenAI format allows instead.
 */
@ValidatorConstraint({ name: 'chatMessages' })
export class ChatMessagesRule implements ValidatorConstraintInterface {
  private problem = '';

  validate(messages: unknown): boolean {
    if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_MESSAGES) {
      this.problem = `messages must be a list of 1-${MAX_MESSAGES} messages`;
      return false;
    }
    for (const [index, message] of messages.entries()) {
      const problem = messageProblem(message, index);
      if (problem) {
        this.problem = problem;
        return false;
      }
    }
    return true;
  }

  defaultMessage(): string {
    return this.problem;
  }
}
