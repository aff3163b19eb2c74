import type { ChatCompletionChunk } from '../openai-wire';
import { UpstreamError } from '../upstream-error';
import type { AnthropicStreamEvent } from './anthropic-wire';
import { AnthropicStreamTranslator, errorKindOfAnthropicType } from './translate-stream';

const start: AnthropicStreamEvent = {
  type: 'message_start',
  message: {
    id: 'msg_9',
    type: 'message',
    role: 'assistant',
    model: 'claude-upstream',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 25, output_tokens: 1, cache_read_input_tokens: 5 },
  },
};

function translateAll(events: AnthropicStreamEvent[]) {
  const translator = new AnthropicStreamTranslator('claude-x', 1_700_000_000);
  const chunks = events.flatMap((event) => translator.translate(event));
  return { translator, chunks };
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta);

describe('AnthropicStreamTranslator', () => {
  it('streams text as OpenAI chunks, then the finish_reason, then a usage chunk', () => {
    const { translator, chunks } = translateAll([
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'ping' },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 2 },
      },
      { type: 'message_stop' },
    ]);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.every((chunk) => chunk.id === 'msg_9' && chunk.model === 'claude-x')).toBe(true);
    expect(chunks.every((chunk) => chunk.created === 1_700_000_000)).toBe(true);
    expect(deltas(chunks)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
      { content: 'lo' },
      {},
      undefined,
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([
      null,
      null,
      null,
      'stop',
      undefined,
    ]);
    expect(chunks[4]).toEqual({
      id: 'msg_9',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'claude-x',
      choices: [],
      usage: {
        prompt_tokens: 30,
        completion_tokens: 2,
        total_tokens: 32,
        prompt_tokens_details: { cached_tokens: 5 },
      },
    });
    expect(translator.usage()).toEqual({ inputTokens: 30, outputTokens: 2, cacheReadTokens: 5 });
    expect(translator.complete).toBe(true);
  });

  it('keeps the cache-write split and the web searches the message reports, the last report winning', () => {
    const { translator } = translateAll([
      {
        ...start,
        message: {
          ...start.message,
          usage: {
            input_tokens: 10,
            output_tokens: 1,
            cache_creation_input_tokens: 50,
            cache_creation: { ephemeral_5m_input_tokens: 20, ephemeral_1h_input_tokens: 30 },
          },
        },
      },
      {
        type: 'message_delta',
        delta: { stop_reason: null, stop_sequence: null },
        usage: { output_tokens: 1, server_tool_use: { web_search_requests: 1 } },
      },
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 4, server_tool_use: { web_search_requests: 2 } },
      },
      { type: 'message_stop' },
    ]);
    expect(translator.usage()).toEqual({
      inputTokens: 60,
      outputTokens: 4,
      cacheWriteTokens: 50,
      cacheWrite1hTokens: 30,
      webSearchRequests: 2,
    });
  });

  it('streams tool_use blocks as tool_calls numbered from 0, their JSON as arguments', () => {
    const { chunks } = translateAll([
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Checking.' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"city":' },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '"Paris"}' },
      },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_b', name: 'now', input: {} },
      },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 2 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { output_tokens: 9 },
      },
      { type: 'message_stop' },
    ]);
    expect(deltas(chunks).slice(1, 7)).toEqual([
      { content: 'Checking.' },
      {
        tool_calls: [
          { index: 0, id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
      {
        tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'now', arguments: '' } }],
      },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
    ]);
    expect(chunks[7].choices[0].finish_reason).toBe('tool_calls');
  });

  it('maps max_tokens and stop_sequence stop reasons', () => {
    const finish = (stopReason: 'max_tokens' | 'stop_sequence') =>
      translateAll([
        start,
        { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null } },
      ]).chunks[1].choices[0].finish_reason;
    expect(finish('max_tokens')).toBe('length');
    expect(finish('stop_sequence')).toBe('stop');
  });

  it('reports no usage and no usage chunk when the upstream sent none, and is incomplete before the stop', () => {
    const { message } = start as Extract<AnthropicStreamEvent, { type: 'message_start' }>;
    const { translator, chunks } = translateAll([
      { type: 'message_start', message: { ...message, usage: undefined } },
    ]);
    expect(translator.complete).toBe(false);
    expect(translator.translate({ type: 'message_stop' })).toEqual([]);
    expect(translator.usage()).toBeNull();
    expect(chunks).toHaveLength(1);
  });

  it('throws an UpstreamError of the right kind for an error event', () => {
    const translator = new AnthropicStreamTranslator('c', 1);
    expect(() =>
      translator.translate({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ).toThrow(
      expect.objectContaining({ kind: 'server_error', upstreamMessage: 'Overloaded', retryable: true }),
    );
    expect(() => translator.translateSse({ event: 'message_start', data: '{' })).toThrow(UpstreamError);
    expect(errorKindOfAnthropicType('rate_limit_error')).toBe('rate_limited');
    expect(errorKindOfAnthropicType('authentication_error')).toBe('auth');
    expect(errorKindOfAnthropicType('invalid_request_error')).toBe('bad_request');
  });

  it('reads SSE events', () => {
    const translator = new AnthropicStreamTranslator('c', 1);
    const [chunk] = translator.translateSse({ event: 'message_start', data: JSON.stringify(start) });
    expect(chunk.choices[0].delta).toEqual({ role: 'assistant', content: '' });
  });
});
