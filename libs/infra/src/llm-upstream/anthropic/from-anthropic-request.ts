import type {
  ChatCompletionRequest,
  ChatMessage,
  FunctionTool,
  TextContentPart,
  ToolCall,
  ToolChoice,
  UserContentPart,
} from '../openai-wire';
import {
  isCustomTool,
  type AnthropicContentBlock,
  type AnthropicCustomTool,
  type AnthropicDocumentBlock,
  type AnthropicImageBlock,
  type AnthropicRequest,
  type AnthropicTextBlock,
  type AnthropicToolChoice,
} from './anthropic-wire';

/**
 * A Messages request (as Claude Code and the Anthropic SDKs send it) as the OpenAI chat request the
 * gateway plans with and sends to OpenAI-wire providers. What OpenAI has no place for and what does
 * not change the answer's meaning is left out: replayed thinking, cache breakpoints, `top_k`, the
 * thinking budget. What would change it (see anthropicOnlyField) keeps the request on Anthropic's
 * models, so its OpenAI form only serves to plan and record. A turn's tool results become `tool`
 * messages ahead of the rest of that turn, since OpenAI wants them right after the call; an image
 * inside a tool result follows them as a user image, OpenAI's tool messages carrying text only.
 */
export function openAiRequestOf(request: AnthropicRequest): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  const system = systemTextOf(request.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const message of request.messages) {
    const blocks: AnthropicContentBlock[] =
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    if (message.role === 'assistant') messages.push(assistantMessageOf(blocks));
    else messages.push(...userMessagesOf(blocks));
  }
  const translated: ChatCompletionRequest = {
    model: request.model,
    messages,
    max_tokens: request.max_tokens,
  };
  if (request.stream) translated.stream = true;
  if (request.stop_sequences && request.stop_sequences.length > 0) translated.stop = request.stop_sequences;
  if (request.temperature !== undefined) translated.temperature = request.temperature;
  if (request.top_p !== undefined) translated.top_p = request.top_p;
  if (request.metadata?.user_id) translated.user = request.metadata.user_id;
  const tools = (request.tools ?? []).filter(isCustomTool);
  if (tools.length > 0) {
    translated.tools = tools.map(functionToolOf);
    if (request.tool_choice) {
      translated.tool_choice = toolChoiceOf(request.tool_choice);
      if (
        'disable_parallel_tool_use' in request.tool_choice &&
        request.tool_choice.disable_parallel_tool_use
      ) {
        translated.parallel_tool_calls = false;
      }
    }
  }
  return translated;
}

/** A part of a Messages request only Anthropic can honour, and why: the path of the field and a phrase. */
export interface AnthropicOnlyField {
  field: string;
  reason: string;
}

/**
 * The first part of a request an OpenAI-wire model cannot be given without changing what is asked:
 * a server tool runs on Anthropic's side, a PDF is read by Anthropic's document support, citations
 * and context editing shape Anthropic's answer. Null when the whole request translates.
 */
export function anthropicOnlyField(request: AnthropicRequest): AnthropicOnlyField | null {
  if (request.context_management !== undefined) {
    return { field: 'context_management', reason: "is Anthropic's context editing (a beta)" };
  }
  for (const [index, tool] of (request.tools ?? []).entries()) {
    if (!isCustomTool(tool)) {
      return { field: `tools.${index}`, reason: `is ${tool.type}, a server tool Anthropic runs itself` };
    }
  }
  for (const [index, message] of request.messages.entries()) {
    if (typeof message.content === 'string') continue;
    for (const [blockIndex, block] of message.content.entries()) {
      if (block.type !== 'document') continue;
      const field = `messages.${index}.content.${blockIndex}`;
      if (isPdf(block)) return { field, reason: 'is a PDF document, which only Anthropic reads' };
      if (block.citations?.enabled) {
        return { field: `${field}.citations`, reason: "asks for Anthropic's citations" };
      }
    }
  }
  return null;
}

function isPdf(block: AnthropicDocumentBlock): boolean {
  return block.source.type === 'base64' || block.source.type === 'url';
}

/** Anthropic counts a PDF page as its text plus an image of it: up to about 3,000 tokens a page. */
const PDF_PAGE_TOKENS = 3_000;
/** A PDF whose pages cannot be counted (compressed object streams) is taken at a page per 50 KB. */
const PDF_BYTES_PER_PAGE = 50_000;
/** A PDF by URL is fetched by Anthropic, unseen here: allowed as many pages as this. */
const PDF_URL_PAGES = 20;
const PAGE_OBJECT = /\/Type\s*\/Page(?![a-zA-Z])/g;

/**
 * The tokens the PDFs of a request are expected to cost, which their OpenAI form (where they have no
 * place) does not count: each page at Anthropic's upper figure, pages counted from the PDF's page
 * objects where they are readable. An allowance for the hold; the charge is Anthropic's own count.
 */
export function pdfTokensOf(request: AnthropicRequest): number {
  let tokens = 0;
  for (const message of request.messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type !== 'document') continue;
      if (block.source.type === 'url') tokens += PDF_URL_PAGES * PDF_PAGE_TOKENS;
      if (block.source.type !== 'base64') continue;
      const pdf = Buffer.from(block.source.data, 'base64');
      const pages = pdf.toString('latin1').match(PAGE_OBJECT)?.length ?? 0;
      tokens += Math.max(1, pages || Math.ceil(pdf.length / PDF_BYTES_PER_PAGE)) * PDF_PAGE_TOKENS;
    }
  }
  return tokens;
}

/** What an Anthropic link is sent that the OpenAI form has no place for: replayed thinking. */
export function untranslatedTextOf(request: AnthropicRequest): string {
  let text = '';
  for (const message of request.messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'thinking') text += block.thinking + block.signature;
      else if (block.type === 'redacted_thinking') text += block.data;
    }
  }
  return text;
}

export function systemTextOf(system: AnthropicRequest['system']): string {
  if (system === undefined) return '';
  return typeof system === 'string' ? system : system.map((block) => block.text).join('\n\n');
}

function assistantMessageOf(blocks: AnthropicContentBlock[]): ChatMessage {
  const text = blocks
    .filter((block): block is AnthropicTextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('');
  const calls: ToolCall[] = blocks
    .filter((block) => block.type === 'tool_use')
    .map((block) => ({
      id: block.id,
      type: 'function',
      function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
    }));
  return {
    role: 'assistant',
    content: text === '' && calls.length > 0 ? null : text,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  };
}

function userMessagesOf(blocks: AnthropicContentBlock[]): ChatMessage[] {
  const results: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  for (const block of blocks) {
    if (block.type === 'tool_result') {
      const content = typeof block.content === 'string' ? [textPart(block.content)] : (block.content ?? []);
      const text = content
        .filter((part) => part.type === 'text')
        .map((part) => part.text)
        .join('\n');
      // OpenAI's tool messages have no error flag: the text says it, so the model reads a failure as one.
      const said = block.is_error ? `Error: ${text}` : text;
      results.push({ role: 'tool', tool_call_id: block.tool_use_id, content: said });
      for (const part of content) if (part.type === 'image') parts.push(imagePartOf(part));
    } else if (block.type === 'text') {
      parts.push(textPart(block.text));
    } else if (block.type === 'image') {
      parts.push(imagePartOf(block));
    } else if (block.type === 'document') {
      parts.push(...documentPartsOf(block));
    }
  }
  if (parts.length === 0) return results;
  const onlyText = parts.every((part) => part.type === 'text');
  const content = onlyText ? parts.map((part) => (part as TextContentPart).text).join('\n') : parts;
  return [...results, { role: 'user', content }];
}

/** A text document as its title, context and text; a PDF has no OpenAI form (anthropicOnlyField keeps it on Anthropic). */
function documentPartsOf(block: AnthropicDocumentBlock): UserContentPart[] {
  const { source } = block;
  const heading = [block.title, block.context].filter((line): line is string => !!line);
  if (source.type === 'text') return [textPart([...heading, source.data].join('\n\n'))];
  if (source.type !== 'content') return [];
  const blocks = typeof source.content === 'string' ? [textPart(source.content)] : source.content;
  const parts = blocks.map((part) => (part.type === 'text' ? textPart(part.text) : imagePartOf(part)));
  return heading.length > 0 ? [textPart(heading.join('\n\n')), ...parts] : parts;
}

function textPart(text: string): TextContentPart {
  return { type: 'text', text };
}

/** An image as the data or https URL OpenAI reads; the gateway vets either before any call. */
export function imageUrlOf(block: AnthropicImageBlock): string {
  const { source } = block;
  return source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
}

function imagePartOf(block: AnthropicImageBlock): UserContentPart {
  return { type: 'image_url', image_url: { url: imageUrlOf(block) } };
}

function functionToolOf(tool: AnthropicCustomTool): FunctionTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.input_schema,
    },
  };
}

function toolChoiceOf(choice: AnthropicToolChoice): ToolChoice {
  switch (choice.type) {
    case 'none':
      return 'none';
    case 'any':
      return 'required';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
    default:
      return 'auto';
  }
}
