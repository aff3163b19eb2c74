import type { ChatCompletionRequest } from '../openai-wire';
import { UpstreamError } from '../upstream-error';
import { toAnthropicRequest } from './translate-request';

const options = { defaultMaxTokens: 4096, stream: false };
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('toAnthropicRequest', () => {
  it('moves system and developer messages to `system` and sets the target model and limits', () => {
    const request: ChatCompletionRequest = {
      model: 'gateway-alias',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hello' },
      ],
      max_tokens: 100,
      stop: 'END',
      temperature: 0.3,
      top_p: 0.9,
      user: 'alice',
    };
    expect(toAnthropicRequest(request, 'claude-x', { defaultMaxTokens: 4096, stream: true })).toEqual({
      model: 'claude-x',
      max_tokens: 100,
      system: 'Be brief.\n\nAnswer in French.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
      stop_sequences: ['END'],
      temperature: 0.3,
      top_p: 0.9,
      metadata: { user_id: 'alice' },
      stream: true,
    });
  });

  it('takes max_completion_tokens first, falls back to the default, and clamps temperature to 1', () => {
    const base: ChatCompletionRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    expect(toAnthropicRequest(base, 'c', options).max_tokens).toBe(4096);
    expect(
      toAnthropicRequest({ ...base, max_tokens: 10, max_completion_tokens: 20 }, 'c', options).max_tokens,
    ).toBe(20);
    expect(toAnthropicRequest({ ...base, temperature: 1.7 }, 'c', options).temperature).toBe(1);
    expect(toAnthropicRequest({ ...base, stop: ['a', 'b'] }, 'c', options).stop_sequences).toEqual([
      'a',
      'b',
    ]);
    expect(toAnthropicRequest(base, 'c', options)).not.toHaveProperty('stream');
  });

  it('turns tool calls into tool_use blocks and tool answers into tool_result blocks of one user turn', () => {
    const request: ChatCompletionRequest = {
      model: 'm',
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'snow' }] },
        { role: 'user', content: 'Thanks, and tomorrow?' },
      ],
      tools: [weatherTool],
    };
    const translated = toAnthropicRequest(request, 'c', options);
    expect(translated.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Oslo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Oslo' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'call_2', content: 'snow' },
          { type: 'text', text: 'Thanks, and tomorrow?' },
        ],
      },
    ]);
    expect(translated.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather of a city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ]);
    expect(translated).not.toHaveProperty('tool_choice');
  });

  it('merges consecutive turns of one role and drops empty text, which Anthropic rejects', () => {
    const translated = toAnthropicRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'one' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'two' },
              { type: 'text', text: '' },
            ],
          },
          { role: 'assistant', content: '' },
          { role: 'assistant', content: null, tool_calls: [] },
        ],
      },
      'c',
      options,
    );
    expect(translated.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
    ]);
  });

  it('maps tool_choice and parallel_tool_calls', () => {
    const base: ChatCompletionRequest = {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      tools: [weatherTool],
    };
    const choiceOf = (extra: Partial<ChatCompletionRequest>) =>
      toAnthropicRequest({ ...base, ...extra }, 'c', options).tool_choice;
    expect(choiceOf({ tool_choice: 'auto' })).toEqual({ type: 'auto' });
    expect(choiceOf({ tool_choice: 'required' })).toEqual({ type: 'any' });
    expect(choiceOf({ tool_choice: 'none' })).toEqual({ type: 'none' });
    expect(choiceOf({ tool_choice: { type: 'function', function: { name: 'get_weather' } } })).toEqual({
      type: 'tool',
      name: 'get_weather',
    });
    expect(choiceOf({ parallel_tool_calls: false })).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(choiceOf({ tool_choice: 'required', parallel_tool_calls: false })).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    expect(toAnthropicRequest({ ...base, tools: [], tool_choice: 'auto' }, 'c', options)).not.toHaveProperty(
      'tool_choice',
    );
  });

  it('gives a tool without parameters an empty object schema', () => {
    const translated = toAnthropicRequest(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'now' } }],
      },
      'c',
      options,
    );
    expect(translated.tools).toEqual([{ name: 'now', input_schema: { type: 'object', properties: {} } }]);
  });

  it('translates image parts: data URLs inline as base64, others by URL', () => {
    const translated = toAnthropicRequest(
      {
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            ],
          },
        ],
      },
      'c',
      options,
    );
    expect(translated.messages[0].content).toEqual([
      { type: 'text', text: 'Compare' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('refuses image URLs that are neither https: nor an inline image, instead of passing them as a url source', () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'data:text/html;base64,PGgxPg==',
      'file:///etc/passwd',
    ]) {
      expect(() =>
        toAnthropicRequest(
          { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] },
          'c',
          options,
        ),
      ).toThrow(expect.objectContaining({ kind: 'bad_request' }));
    }
  });

  it('refuses what Anthropic cannot do as a bad_request UpstreamError', () => {
    const user = { role: 'user' as const, content: 'x' };
    const badArgs = (args: string) =>
      toAnthropicRequest(
        {
          model: 'm',
          messages: [
            user,
            {
              role: 'assistant',
              tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }],
            },
          ],
        },
        'c',
        options,
      );
    expect(() => badArgs('{not json')).toThrow(expect.objectContaining({ kind: 'bad_request' }));
    expect(() => badArgs('[1]')).toThrow(UpstreamError);
    expect(badArgs('').messages[1].content).toEqual([{ type: 'tool_use', id: 'c', name: 'f', input: {} }]);
    expect(() => toAnthropicRequest({ model: 'm', messages: [user], n: 2 }, 'c', options)).toThrow(
      expect.objectContaining({ kind: 'bad_request', retryable: false }),
    );
  });
});
