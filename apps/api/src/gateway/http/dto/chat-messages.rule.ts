import { isRecord, stringProblem, unknownKeyProblem, withPath, type Problem } from './json-bounds';

export const MAX_MESSAGES = 2_000;
export const MAX_CONTENT_PARTS = 256;
export const MAX_TOOL_CALLS = 128;
const MAX_NAME_LENGTH = 256;
const MAX_ID_LENGTH = 256;

/** The fields OpenAI defines for each role; anything else would be forwarded as is, so it is refused. */
const FIELDS: Record<string, readonly string[]> = {
  system: ['role', 'content', 'name'],
  developer: ['role', 'content', 'name'],
  user: ['role', 'content', 'name'],
  // An SDK echoing a reply back into the history sends `refusal` and `annotations` with it.
  assistant: ['role', 'content', 'name', 'tool_calls', 'refusal', 'annotations'],
  tool: ['role', 'content', 'tool_call_id'],
};
const IMAGE_DETAILS = new Set(['auto', 'low', 'high']);

function partProblem(part: unknown, imagesAllowed: boolean): Problem {
  if (!isRecord(part)) return 'must be an object';
  if (part.type === 'text') {
    return unknownKeyProblem(part, ['type', 'text']) ?? (typeof part.text === 'string' ? null : 'needs text');
  }
  if (part.type !== 'image_url' || !imagesAllowed) {
    return imagesAllowed ? "type must be 'text' or 'image_url'" : "type must be 'text'";
  }
  const image = part.image_url;
  if (!isRecord(image) || typeof image.url !== 'string') return 'needs image_url.url';
  if (image.detail !== undefined && !IMAGE_DETAILS.has(image.detail as string)) {
    return 'image_url.detail must be auto, low or high';
  }
  return unknownKeyProblem(part, ['type', 'image_url']) ?? unknownKeyProblem(image, ['url', 'detail']);
}

function contentProblem(role: string, content: unknown): Problem {
  if (typeof content === 'string') return null;
  if (content === null || content === undefined) {
    return role === 'assistant' ? null : `is missing or malformed for role ${role}`;
  }
  if (!Array.isArray(content) || content.length === 0 || content.length > MAX_CONTENT_PARTS) {
    return `must be a string or a list of 1-${MAX_CONTENT_PARTS} parts`;
  }
  for (const [index, part] of content.entries()) {
    const problem = partProblem(part, role === 'user');
    if (problem) return withPath(`[${index}]`, problem);
  }
  return null;
}

function toolCallProblem(call: unknown): Problem {
  if (!isRecord(call) || call.type !== 'function' || !isRecord(call.function)) {
    return "must be {id, type: 'function', function: {name, arguments}}";
  }
  if (typeof call.function.arguments !== 'string') return 'function.arguments must be a string';
  return (
    unknownKeyProblem(call, ['id', 'type', 'function']) ??
    unknownKeyProblem(call.function, ['name', 'arguments']) ??
    stringProblem(call.id, 1, MAX_ID_LENGTH) ??
    stringProblem(call.function.name, 1, MAX_NAME_LENGTH)
  );
}

function toolCallsProblem(calls: unknown): Problem {
  if (!Array.isArray(calls) || calls.length > MAX_TOOL_CALLS) {
    return `must be a list of at most ${MAX_TOOL_CALLS} tool calls`;
  }
  for (const [index, call] of calls.entries()) {
    const problem = toolCallProblem(call);
    if (problem) return withPath(`[${index}]`, problem);
  }
  return null;
}

function prefixed(path: string, problem: Problem): Problem {
  return problem === null ? null : withPath(path, problem);
}

/** Why one message is malformed, as a path below `messages` and a phrase, or null. */
function messageProblem(message: unknown, index: number): Problem {
  const at = `[${index}]`;
  if (!isRecord(message)) return `${at} must be an object`;
  const { role, content, name, tool_calls: toolCalls, tool_call_id: toolCallId } = message;
  if (typeof role !== 'string' || !(role in FIELDS)) {
    return `${at}.role must be one of ${Object.keys(FIELDS).join(', ')}`;
  }
  const unknown = unknownKeyProblem(message, FIELDS[role]);
  if (unknown) return withPath(at, unknown);
  const problem =
    prefixed(`${at}.content`, contentProblem(role, content)) ??
    (name === undefined ? null : prefixed(`${at}.name`, stringProblem(name, 1, MAX_NAME_LENGTH))) ??
    (toolCalls === undefined ? null : prefixed(`${at}.tool_calls`, toolCallsProblem(toolCalls)));
  if (problem) return problem;
  if (role === 'tool') return prefixed(`${at}.tool_call_id`, stringProblem(toolCallId, 1, MAX_ID_LENGTH));
  if (role === 'assistant') {
    if ((content === null || content === undefined) && toolCalls === undefined) {
      return `${at} needs content or tool_calls`;
    }
    if (message.refusal !== undefined && message.refusal !== null && typeof message.refusal !== 'string') {
      return `${at}.refusal must be a string`;
    }
    if (message.annotations !== undefined && !Array.isArray(message.annotations)) {
      return `${at}.annotations must be a list`;
    }
  }
  return null;
}

/**
 * Messages come in several shapes (text, parts, tool calls, tool results), which nested DTO classes
 * would either reject or silently strip; this checks each shape the OpenAI format allows instead.
 */
export function messagesProblem(messages: unknown): Problem {
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_MESSAGES) {
    return `must be a list of 1-${MAX_MESSAGES} messages`;
  }
  for (const [index, message] of messages.entries()) {
    const problem = messageProblem(message, index);
    if (problem) return problem;
  }
  return null;
}
