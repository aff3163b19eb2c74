import type { ChatCompletionChunk } from '../openai-wire';
import { anthropicResponseOf, stopReasonOf } from './to-anthropic-response';
import { AnthropicEventsOfChunks } from './to-anthropic-stream';

const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: string | null = null) =>
  ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  }) as ChatCompletionChunk;

describe('AnthropicEventsOfChunks', () => {
  it('writes text, then each tool call, as content blocks between message_start and message_stop', () => {
    const events = new AnthropicEventsOfChunks('chatcmpl-1', 'gpt-x');
    const written = [
      ...events.start(),
      ...events.translate(chunk({ role: 'assistant', content: '' })),
      ...events.translate(chunk({ content: 'Let me ' })),
      ...events.translate(chunk({ content: 'check.' })),
      ...events.translate(
        chunk({
          tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }],
        }),
      ),
      ...events.translate(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] })),
      ...events.translate(chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] })),
      ...events.translate(
        chunk({
          tool_calls: [
            { index: 1, id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } },
          ],
        }),
      ),
      ...events.translate(chunk({}, 'tool_calls')),
      ...events.end({ inputTokens: 7, outputTokens: 9 }, { 'x-ops-cost-micros': '42' }),
    ];
    expect(written).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_chatcmpl-1',
          type: 'message',
          role: 'assistant',
          model: 'gpt-x',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      },
      { type: 'ping' },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'check.' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'call_1', name: 'f', input: {} },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'call_2', name: 'g', input: {} },
      },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 2 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { input_tokens: 7, output_tokens: 9 },
        'x-ops-cost-micros': '42',
      },
      { type: 'message_stop' },
    ]);
  });
});

describe('anthropicResponseOf', () => {
  it('gives a Message with text and tool_use blocks, the charged usage and the stop reason', () => {
    expect(
      anthropicResponseOf(
        {
          id: 'chatcmpl-2',
          object: 'chat.completion',
          created: 1,
          model: 'm',
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: 'Sure.',
                tool_calls: [
                  { id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
                  { id: 'c2', type: 'function', function: { name: 'g', arguments: 'not json' } },
                ],
              },
              finish_reason: 'tool_calls',
            },
          ],
        },
        'gpt-x',
        { inputTokens: 3, outputTokens: 4 },
      ),
    ).toEqual({
      id: 'msg_chatcmpl-2',
      type: 'message',
      role: 'assistant',
      model: 'gpt-x',
      content: [
        { type: 'text', text: 'Sure.' },
        { type: 'tool_use', id: 'c1', name: 'f', input: { x: 1 } },
        { type: 'tool_use', id: 'c2', name: 'g', input: { arguments: 'not json' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 4 },
    });
  });

  it('maps every finish reason back', () => {
    expect(stopReasonOf('stop')).toBe('end_turn');
    expect(stopReasonOf('length')).toBe('max_tokens');
    expect(stopReasonOf('tool_calls')).toBe('tool_use');
    expect(stopReasonOf('content_filter')).toBe('refusal');
    expect(stopReasonOf(null)).toBe('end_turn');
  });
});
