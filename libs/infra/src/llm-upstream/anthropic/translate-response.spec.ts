import type { AnthropicResponse } from './anthropic-wire';
import { finishReasonOf, fromAnthropicResponse, upstreamUsageOf } from './translate-response';

const message = (overrides: Partial<AnthropicResponse>): AnthropicResponse => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-upstream-name',
  content: [{ type: 'text', text: 'Hello there' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 3 },
  ...overrides,
});

describe('fromAnthropicResponse', () => {
  it('gives an OpenAI chat.completion with the text, finish_reason, usage and the target model', () => {
    expect(fromAnthropicResponse(message({}), 'claude-x', 1_700_000_000)).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'claude-x',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello there' },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    });
  });

  it('turns tool_use blocks into tool_calls with JSON arguments, keeping text beside them', () => {
    const completion = fromAnthropicResponse(
      message({
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} },
        ],
        stop_reason: 'tool_use',
      }),
      'c',
      1,
    );
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          {
            id: 'toolu_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
          { id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
  });

  it('has null content without text, skips untranslated blocks, and no usage when none was reported', () => {
    const completion = fromAnthropicResponse(
      message({ content: [{ type: 'thinking' } as never], usage: undefined }),
      'c',
      1,
    );
    expect(completion.choices[0].message.content).toBeNull();
    expect(completion).not.toHaveProperty('usage');
  });

  it('maps every stop reason', () => {
    expect(finishReasonOf('end_turn')).toBe('stop');
    expect(finishReasonOf('stop_sequence')).toBe('stop');
    expect(finishReasonOf('pause_turn')).toBe('stop');
    expect(finishReasonOf('max_tokens')).toBe('length');
    expect(finishReasonOf('tool_use')).toBe('tool_calls');
    expect(finishReasonOf('refusal')).toBe('content_filter');
    expect(finishReasonOf(null)).toBeNull();
  });

  it('counts cached prompt tokens as input, and tells them apart', () => {
    expect(
      upstreamUsageOf({
        input_tokens: 5,
        output_tokens: 7,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 20,
      }),
    ).toEqual({ inputTokens: 125, outputTokens: 7, cacheReadTokens: 20, cacheWriteTokens: 100 });
  });

  it('keeps the one-hour share of cache writes and the web searches, for pricing', () => {
    expect(
      upstreamUsageOf({
        input_tokens: 5,
        output_tokens: 7,
        cache_creation_input_tokens: 100,
        cache_creation: { ephemeral_5m_input_tokens: 40, ephemeral_1h_input_tokens: 60 },
        server_tool_use: { web_search_requests: 3 },
      }),
    ).toEqual({
      inputTokens: 105,
      outputTokens: 7,
      cacheWriteTokens: 100,
      cacheWrite1hTokens: 60,
      webSearchRequests: 3,
    });
  });

  it('never counts more one-hour writes than writes reported', () => {
    const usage = upstreamUsageOf({
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 10,
      cache_creation: { ephemeral_1h_input_tokens: 1_000 },
    });
    expect(usage.cacheWrite1hTokens).toBe(10);
  });
});
