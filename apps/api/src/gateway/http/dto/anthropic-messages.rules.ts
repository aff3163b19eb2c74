import { MAX_CONTENT_PARTS, MAX_MESSAGES } from './chat-messages.rule';
import {
  boundedObjectProblem,
  isRecord,
  stringProblem,
  unknownKeyProblem,
  withPath,
  type Problem,
} from './json-bounds';
import { ANTHROPIC_SERVER_TOOLS } from '@ops/infra/llm-upstream';
import {
  first,
  MAX_DESCRIPTION_LENGTH,
  MAX_SCHEMA_CHARS,
  MAX_SCHEMA_DEPTH,
  MAX_TOOLS,
} from './request-fields.rules';

/*
 * The Messages API's request shapes (Anthropic's API reference, version 2023-06-01, and the types of
 * @anthropic-ai/sdk 1.17), checked field by field: a Messages request may go to Anthropic as it is, so
 * nothing unknown or unbounded gets through. Block types outside this list (search results, files by
 * id, server tools other than web search and web fetch) are refused.
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

function documentSourceProblem(source: unknown): Problem {
  if (!isRecord(source)) return 'must be an object';
  switch (source.type) {
    case 'base64':
      return first([
        ['', unknownKeyProblem(source, ['type', 'media_type', 'data'])],
        ['.media_type', source.media_type === 'application/pdf' ? null : "must be 'application/pdf'"],
        ['.data', textProblem(source.data)],
      ]);
    case 'text':
      return first([
        ['', unknownKeyProblem(source, ['type', 'media_type', 'data'])],
        ['.media_type', source.media_type === 'text/plain' ? null : "must be 'text/plain'"],
        ['.data', textProblem(source.data)],
      ]);
    case 'url':
      return first([
        ['', unknownKeyProblem(source, ['type', 'url'])],
        ['.url', textProblem(source.url)],
      ]);
    case 'content':
      return first([
        ['', unknownKeyProblem(source, ['type', 'content'])],
        [
          '.content',
          typeof source.content === 'string' ? null : blocksProblem(source.content, { text, image }),
        ],
      ]);
    default:
      return "type must be 'base64', 'text', 'url' or 'content'";
  }
}

function nullableTextProblem(value: unknown): Problem {
  return value === null ? null : stringProblem(value, 0, MAX_DESCRIPTION_LENGTH);
}

function citationsProblem(value: unknown): Problem {
  if (value === null) return null;
  if (!isRecord(value)) return 'must be {enabled}';
  return first([
    ['', unknownKeyProblem(value, ['enabled'])],
    ['.enabled', optional(value.enabled, booleanProblem)],
  ]);
}

const document: Rule = (block) =>
  first([
    ['', unknownKeyProblem(block, ['type', 'source', 'title', 'context', 'citations', 'cache_control'])],
    ['.source', documentSourceProblem(block.source)],
    ['.title', optional(block.title, nullableTextProblem)],
    ['.context', optional(block.context, nullableTextProblem)],
    ['.citations', optional(block.citations, citationsProblem)],
    ['.cache_control', optional(block.cache_control, cacheControlProblem)],
  ]);

function booleanProblem(value: unknown): Problem {
  return typeof value === 'boolean' ? null : 'must be a boolean';
}

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
    ['.is_error', optional(block.is_error, booleanProblem)],
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
  user: { text, image, document, tool_result: toolResult },
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

const MAX_DOMAINS = 256;
const MAX_TOOL_USES = 1_000;

function domainsProblem(value: unknown): Problem {
  if (value === null) return null;
  if (!Array.isArray(value) || value.length > MAX_DOMAINS)
    return `must be a list of at most ${MAX_DOMAINS} domains`;
  return first(value.map((domain, index) => [`.${index}`, stringProblem(domain, 1, 253)]));
}

function maxUsesProblem(value: unknown): Problem {
  if (value === null) return null;
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_TOOL_USES
    ? null
    : `must be an integer from 1 to ${MAX_TOOL_USES}`;
}

function userLocationProblem(value: unknown): Problem {
  if (value === null) return null;
  if (!isRecord(value) || value.type !== 'approximate')
    return "must be {type: 'approximate', city?, region?, country?, timezone?}";
  const place = (field: unknown) =>
    optional(field, (part) => (part === null ? null : stringProblem(part, 1, 255)));
  return first([
    ['', unknownKeyProblem(value, ['type', 'city', 'region', 'country', 'timezone'])],
    ['.city', place(value.city)],
    ['.region', place(value.region)],
    ['.country', place(value.country)],
    ['.timezone', place(value.timezone)],
  ]);
}

/** The options both server tools take: how often the model may call them, and where they may look. */
function webToolProblem(
  tool: Record<string, unknown>,
  name: string,
  own: ReadonlyArray<readonly [string, Problem]>,
): Problem {
  return first([
    ['.name', tool.name === name ? null : `must be '${name}'`],
    ['.max_uses', optional(tool.max_uses, maxUsesProblem)],
    ['.allowed_domains', optional(tool.allowed_domains, domainsProblem)],
    ['.blocked_domains', optional(tool.blocked_domains, domainsProblem)],
    ['.cache_control', optional(tool.cache_control, cacheControlProblem)],
    ...own,
  ]);
}

const WEB_TOOL_FIELDS = ['type', 'name', 'max_uses', 'allowed_domains', 'blocked_domains', 'cache_control'];

/** Anthropic's server tools the gateway forwards (web search and web fetch, as Claude Code uses them). */
const SERVER_TOOLS: Record<(typeof ANTHROPIC_SERVER_TOOLS)[number], Rule> = {
  web_search_20250305: (tool) =>
    first([
      ['', unknownKeyProblem(tool, [...WEB_TOOL_FIELDS, 'user_location'])],
      [
        '',
        webToolProblem(tool, 'web_search', [
          ['.user_location', optional(tool.user_location, userLocationProblem)],
        ]),
      ],
    ]),
  web_fetch_20250910: (tool) =>
    first([
      ['', unknownKeyProblem(tool, [...WEB_TOOL_FIELDS, 'citations', 'max_content_tokens'])],
      [
        '',
        webToolProblem(tool, 'web_fetch', [
          ['.citations', optional(tool.citations, citationsProblem)],
          [
            '.max_content_tokens',
            optional(tool.max_content_tokens, (value) =>
              value === null ||
              (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 1_000_000)
                ? null
                : 'must be an integer from 1 to 1000000',
            ),
          ],
        ]),
      ],
    ]),
};

function toolProblem(tool: unknown): Problem {
  if (!isRecord(tool)) return 'must be an object';
  if (tool.type !== undefined && tool.type !== 'custom') {
    const rule = SERVER_TOOLS[tool.type as keyof typeof SERVER_TOOLS];
    return rule
      ? rule(tool)
      : `type must be 'custom' or a server tool the gateway forwards (${ANTHROPIC_SERVER_TOOLS.join(', ')})`;
  }
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

const TOKEN_COUNT_BOUND = 10_000_000;

function countProblem(value: unknown, kinds: readonly string[]): Problem {
  if (!isRecord(value) || !kinds.includes(value.type as string)) {
    return `must be {type: ${kinds.map((kind) => `'${kind}'`).join(' | ')}, value}`;
  }
  return first([
    ['', unknownKeyProblem(value, ['type', 'value'])],
    [
      '.value',
      Number.isInteger(value.value) &&
      (value.value as number) >= 0 &&
      (value.value as number) <= TOKEN_COUNT_BOUND
        ? null
        : `must be an integer from 0 to ${TOKEN_COUNT_BOUND}`,
    ],
  ]);
}

const CONTEXT_EDITS: Record<string, Rule> = {
  clear_tool_uses_20250919: (edit) =>
    first([
      [
        '',
        unknownKeyProblem(edit, [
          'type',
          'trigger',
          'keep',
          'clear_at_least',
          'clear_tool_inputs',
          'exclude_tools',
        ]),
      ],
      ['.trigger', optional(edit.trigger, (value) => countProblem(value, ['input_tokens', 'tool_uses']))],
      ['.keep', optional(edit.keep, (value) => countProblem(value, ['tool_uses']))],
      [
        '.clear_at_least',
        optional(edit.clear_at_least, (value) =>
          value === null ? null : countProblem(value, ['input_tokens']),
        ),
      ],
      [
        '.clear_tool_inputs',
        optional(edit.clear_tool_inputs, (value) =>
          value === null || typeof value === 'boolean' ? null : toolNamesProblem(value),
        ),
      ],
      [
        '.exclude_tools',
        optional(edit.exclude_tools, (value) => (value === null ? null : toolNamesProblem(value))),
      ],
    ]),
  clear_thinking_20251015: (edit) =>
    first([
      ['', unknownKeyProblem(edit, ['type', 'keep'])],
      [
        '.keep',
        optional(edit.keep, (value) =>
          value === 'all' || (isRecord(value) && value.type === 'all' && Object.keys(value).length === 1)
            ? null
            : countProblem(value, ['thinking_turns']),
        ),
      ],
    ]),
};

function toolNamesProblem(value: unknown): Problem {
  if (!Array.isArray(value) || value.length > MAX_TOOLS)
    return `must be a list of at most ${MAX_TOOLS} tool names`;
  return first(value.map((name, index) => [`.${index}`, toolNameProblem(name)]));
}

/** Context editing (beta `context-management-2025-06-27`): up to one edit of each kind. */
export function contextManagementProblem(value: unknown): Problem {
  if (!isRecord(value)) return 'must be an object';
  const unknown = unknownKeyProblem(value, ['edits']);
  if (unknown || value.edits === undefined) return unknown;
  const { edits } = value;
  if (!Array.isArray(edits) || edits.length > Object.keys(CONTEXT_EDITS).length) {
    return `.edits must be a list of at most ${Object.keys(CONTEXT_EDITS).length} edits`;
  }
  for (const [index, edit] of edits.entries()) {
    const rule = isRecord(edit) && typeof edit.type === 'string' ? CONTEXT_EDITS[edit.type] : undefined;
    const problem = rule
      ? rule(edit as Record<string, unknown>)
      : `type must be one of ${Object.keys(CONTEXT_EDITS).join(', ')}`;
    if (problem) return withPath(`.edits.${index}`, problem);
  }
  return null;
}

/** `anthropic-beta`: comma-separated beta names, as the SDKs join them. */
const BETA_HEADER = /^\s*[a-z0-9][a-z0-9-]{0,99}(\s*,\s*[a-z0-9][a-z0-9-]{0,99}){0,31}\s*$/;

export function anthropicBetaProblem(value: unknown): Problem {
  return typeof value === 'string' && BETA_HEADER.test(value)
    ? null
    : 'must be up to 32 comma-separated beta names (lowercase letters, digits, dashes)';
}
