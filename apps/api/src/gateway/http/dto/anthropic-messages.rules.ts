import { MAX_CONTENT_PARTS, MAX_MESSAGES } from './chat-messages.rule';
import {
  boundedObjectProblem,
  isRecord,
  stringProblem,
  unknownKeyProblem,
  withPath,
  type Problem,
} from './json-bounds';
import {
  first,
  MAX_DESCRIPTION_LENGTH,
  MAX_SCHEMA_CHARS,
  MAX_SCHEMA_DEPTH,
  MAX_TOOLS,
} from './request-fields.rules';

/*
 * The Messages API's request shapes (Anthropic's API reference, version 2023-06-01), checked field by
 * field: a Messages request may go to Anthropic as it is, so nothing unknown or unbounded gets
 * through. Block types outside this list (documents, server tools, search results) are refused.
 */

export const MAX_STOP_SEQUENCES = 16;
const MAX_ID_LENGTH = 256;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
/** A replayed thinking block, its signature, a redacted block's data: Anthropic's own text, bounded loosely. */
const MAX_OPAQUE_CHARS = 1_000_000;

type Rule = (value: Record<string, unknown>) => Problem;

function optional(value: unknown, problemOf: (value: unknown) => Problem): Problem {
  return value === undefined ? null : problemOf(value);
}

export function cacheControlProblem(value: unknown): Problem {
  if (!isRecord(value) || value.type !== 'ephemeral') return "must be {type: 'ephemeral', ttl?}";
  if (value.ttl !== undefined && value.ttl !== '5m' && value.ttl !== '1h') return "ttl must be '5m' or '1h'";
  return unknownKeyProblem(value, ['type', 'ttl']);
}

function textProblem(value: unknown): Problem {
  return typeof value === 'string' ? null : 'must be a string';
}

const text: Rule = (block) =>
  first([
    ['', unknownKeyProblem(block, ['type', 'text', 'cache_control'])],
    ['.text', textProblem(block.text)],
    ['.cache_control', optional(block.cache_control, cacheControlProblem)],
  ]);

function sourceProblem(source: unknown): Problem {
  if (!isRecord(source)) return 'must be an object';
  if (source.type === 'base64') {
    return first([
      ['', unknownKeyProblem(source, ['type', 'media_type', 'data'])],
      ['.media_type', stringProblem(source.media_type, 1, 64)],
      ['.data', textProblem(source.data)],
    ]);
  }
  if (source.type === 'url') {
    return first([
      ['', unknownKeyProblem(source, ['type', 'url'])],
      ['.url', textProblem(source.url)],
    ]);
  }
  return "type must be 'base64' or 'url'";
}

const image: Rule = (block) =>
  first([
    ['', unknownKeyProblem(block, ['type', 'source', 'cache_control'])],
    ['.source', sourceProblem(block.source)],
    ['.cache_control', optional(block.cache_control, cacheControlProblem)],
  ]);

const toolUse: Rule = (block) =>
  first([
    ['', unknownKeyProblem(block, ['type', 'id', 'name', 'input', 'cache_control'])],
    ['.id', stringProblem(block.id, 1, MAX_ID_LENGTH)],
    ['.name', toolNameProblem(block.name)],
    ['.input', boundedObjectProblem(block.input, MAX_SCHEMA_DEPTH, MAX_SCHEMA_CHARS)],
    ['.cache_control', optional(block.cache_control, cacheControlProblem)],
  ]);

function resultContentProblem(content: unknown): Problem {
  if (typeof content === 'string') return null;
  return blocksProblem(content, { text, image });
}

const toolResult: Rule = (block) =>
  first([
    ['', unknownKeyProblem(block, ['type', 'tool_use_id', 'content', 'is_error', 'cache_control'])],
    ['.tool_use_id', stringProblem(block.tool_use_id, 1, MAX_ID_LENGTH)],
    ['.content', optional(block.content, resultContentProblem)],
    [
      '.is_error',
      block.is_error === undefined || typeof block.is_error === 'boolean' ? null : 'must be a boolean',
    ],
    ['.cache_control', optional(block.cache_control, cacheControlProblem)],
  ]);

const thinking: Rule = (block) =>
  first([
    ['', unknownKeyProblem(block, ['type', 'thinking', 'signature'])],
    ['.thinking', stringProblem(block.thinking, 0, MAX_OPAQUE_CHARS)],
    ['.signature', stringProblem(block.signature, 0, MAX_OPAQUE_CHARS)],
  ]);

const redactedThinking: Rule = (block) =>
  first([
    ['', unknownKeyProblem(block, ['type', 'data'])],
    ['.data', stringProblem(block.data, 1, MAX_OPAQUE_CHARS)],
  ]);

/** The blocks each role may send: a user shows images and answers tool calls, an assistant makes them. */
const BLOCKS: Record<'user' | 'assistant', Record<string, Rule>> = {
  user: { text, image, tool_result: toolResult },
  assistant: { text, tool_use: toolUse, thinking, redacted_thinking: redactedThinking },
};

function blocksProblem(blocks: unknown, rules: Record<string, Rule>): Problem {
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > MAX_CONTENT_PARTS) {
    return `must be a string or a list of 1-${MAX_CONTENT_PARTS} blocks`;
  }
  for (const [index, block] of blocks.entries()) {
    const rule = isRecord(block) && typeof block.type === 'string' ? rules[block.type] : undefined;
    const problem = rule
      ? rule(block as Record<string, unknown>)
      : `type must be one of ${Object.keys(rules).join(', ')}`;
    if (problem) return withPath(`.${index}`, problem);
  }
  return null;
}

function messageProblem(message: unknown): Problem {
  if (!isRecord(message)) return 'must be an object';
  const { role, content } = message;
  if (role !== 'user' && role !== 'assistant') return ".role must be 'user' or 'assistant'";
  const unknown = unknownKeyProblem(message, ['role', 'content']);
  if (unknown) return unknown;
  if (typeof content === 'string') return null;
  const problem = blocksProblem(content, BLOCKS[role]);
  return problem === null ? null : withPath('.content', problem);
}

export function anthropicMessagesProblem(messages: unknown): Problem {
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_MESSAGES) {
    return `must be a list of 1-${MAX_MESSAGES} messages`;
  }
  return first(messages.map((message, index) => [`.${index}`, messageProblem(message)]));
}

export function systemProblem(system: unknown): Problem {
  if (typeof system === 'string') return null;
  return blocksProblem(system, { text });
}

function toolNameProblem(name: unknown): Problem {
  return typeof name === 'string' && TOOL_NAME.test(name)
    ? null
    : 'must be 1-128 letters, digits, underscores or dashes';
}

function toolProblem(tool: unknown): Problem {
  if (!isRecord(tool)) return 'must be an object';
  if (tool.type !== undefined && tool.type !== 'custom')
    return "type must be 'custom': server tools are not offered";
  return first([
    ['', unknownKeyProblem(tool, ['type', 'name', 'description', 'input_schema', 'cache_control'])],
    ['.name', toolNameProblem(tool.name)],
    ['.description', optional(tool.description, (value) => stringProblem(value, 0, MAX_DESCRIPTION_LENGTH))],
    ['.input_schema', boundedObjectProblem(tool.input_schema, MAX_SCHEMA_DEPTH, MAX_SCHEMA_CHARS)],
    ['.cache_control', optional(tool.cache_control, cacheControlProblem)],
  ]);
}

export function anthropicToolsProblem(tools: unknown): Problem {
  if (!Array.isArray(tools) || tools.length > MAX_TOOLS)
    return `must be a list of at most ${MAX_TOOLS} tools`;
  return first(tools.map((tool, index) => [`.${index}`, toolProblem(tool)]));
}

export function anthropicToolChoiceProblem(choice: unknown): Problem {
  if (!isRecord(choice)) return 'must be an object';
  const parallel = choice.disable_parallel_tool_use;
  const parallelProblem =
    parallel === undefined || typeof parallel === 'boolean' ? null : 'must be a boolean';
  switch (choice.type) {
    case 'none':
      return unknownKeyProblem(choice, ['type']);
    case 'auto':
    case 'any':
      return first([
        ['', unknownKeyProblem(choice, ['type', 'disable_parallel_tool_use'])],
        ['.disable_parallel_tool_use', parallelProblem],
      ]);
    case 'tool':
      return first([
        ['', unknownKeyProblem(choice, ['type', 'name', 'disable_parallel_tool_use'])],
        ['.name', toolNameProblem(choice.name)],
        ['.disable_parallel_tool_use', parallelProblem],
      ]);
    default:
      return "type must be 'auto', 'any', 'tool' or 'none'";
  }
}

export function thinkingProblem(thinking: unknown): Problem {
  if (!isRecord(thinking)) return 'must be an object';
  switch (thinking.type) {
    case 'disabled':
    case 'between_tools':
      return unknownKeyProblem(thinking, ['type']);
    case 'adaptive': {
      const { display } = thinking;
      return first([
        ['', unknownKeyProblem(thinking, ['type', 'display'])],
        [
          '.display',
          display === undefined || display === null || display === 'summarized' || display === 'omitted'
            ? null
            : "must be 'summarized' or 'omitted'",
        ],
      ]);
    }
    case 'enabled': {
      const budget = thinking.budget_tokens;
      return first([
        ['', unknownKeyProblem(thinking, ['type', 'budget_tokens'])],
        [
          '.budget_tokens',
          Number.isInteger(budget) && (budget as number) >= 1_024 && (budget as number) <= 1_000_000
            ? null
            : 'must be an integer from 1024 to 1000000',
        ],
      ]);
    }
    default:
      return "type must be 'enabled', 'adaptive', 'between_tools' or 'disabled'";
  }
}

const EFFORTS: readonly unknown[] = ['low', 'medium', 'high', 'xhigh', 'max', null];

export function outputConfigProblem(value: unknown): Problem {
  if (!isRecord(value)) return 'must be an object';
  return first([
    ['', unknownKeyProblem(value, ['effort'])],
    [
      '.effort',
      value.effort === undefined || EFFORTS.includes(value.effort)
        ? null
        : 'must be low, medium, high, xhigh or max',
    ],
  ]);
}

export function stopSequencesProblem(value: unknown): Problem {
  if (!Array.isArray(value) || value.length > MAX_STOP_SEQUENCES) {
    return `must be a list of at most ${MAX_STOP_SEQUENCES} strings`;
  }
  return first(value.map((sequence, index) => [`.${index}`, stringProblem(sequence, 1, 256)]));
}

export function metadataProblem(value: unknown): Problem {
  if (!isRecord(value)) return 'must be an object';
  return first([
    ['', unknownKeyProblem(value, ['user_id'])],
    ['.user_id', optional(value.user_id, (id) => (id === null ? null : stringProblem(id, 0, 256)))],
  ]);
}
