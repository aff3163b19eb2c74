import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '@ops/infra/http';
import { ChatCompletionRequestDto } from './chat-completion-request.dto';

/** The messages the validation pipe would answer with, as `field: message`. */
function problems(fields: Record<string, unknown>): string[] {
  const dto = plainToInstance(ChatCompletionRequestDto, {
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'hi' }],
    ...fields,
  });
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  return flattenValidationErrors(errors).map(({ field, message }) => `${field}: ${message}`);
}

describe('ChatCompletionRequestDto', () => {
  it('accepts what OpenAI SDKs send', () => {
    expect(
      problems({
        messages: [
          { role: 'system', content: 'be brief' },
          {
            role: 'user',
            name: 'alice',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
            ],
          },
          {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'found' }] },
        ],
        stop: ['\n\n', 'END'],
        tools: [
          {
            type: 'function',
            function: { name: 'look', description: 'Looks', parameters: { type: 'object' }, strict: true },
          },
        ],
        tool_choice: { type: 'function', function: { name: 'look' } },
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
        },
        logit_bias: { '50256': -100 },
        metadata: { team: 'ops' },
        stream: true,
        stream_options: { include_usage: true },
        seed: 42,
        user: 'user-1',
      }),
    ).toEqual([]);
    expect(problems({ stop: 'END', tool_choice: 'auto', response_format: { type: 'json_object' } })).toEqual(
      [],
    );
  });

  it('names the offending sub-field after the property', () => {
    expect(problems({ tools: [{ type: 'function', function: { name: 'bad name' } }] })).toEqual([
      'tools: tools[0].function.name must be 1-64 letters, digits, underscores or dashes',
    ]);
    expect(problems({ stop: ['ok', ''] })).toEqual(['stop: stop[1] must be 1-256 characters long']);
    expect(
      problems({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x', extra: 1 }] }] }),
    ).toEqual(["messages: messages[0].content[0] has an unknown field 'extra'"]);
    expect(
      problems({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: 'string' } } }),
    ).toEqual(['response_format: response_format.json_schema.schema must be an object']);
  });

  it('refuses images outside user messages, and image parts with unknown details', () => {
    const image = { type: 'image_url', image_url: { url: 'https://example.com/a.png' } };
    expect(problems({ messages: [{ role: 'system', content: [image] }] })).toEqual([
      "messages: messages[0].content[0] type must be 'text'",
    ]);
    expect(
      problems({
        messages: [{ role: 'user', content: [{ ...image, image_url: { url: 'x', detail: 'ultra' } }] }],
      }),
    ).toEqual(['messages: messages[0].content[0] image_url.detail must be auto, low or high']);
  });

  it('keeps the shape rules of each role', () => {
    expect(problems({ messages: [{ role: 'assistant' }] })).toEqual([
      'messages: messages[0] needs content or tool_calls',
    ]);
    expect(problems({ messages: [{ role: 'tool', content: 'x' }] })).toEqual([
      'messages: messages[0].tool_call_id must be a string',
    ]);
    expect(problems({ messages: [{ role: 'user', content: 'x', tool_calls: [] }] })).toEqual([
      "messages: messages[0] has an unknown field 'tool_calls'",
    ]);
    expect(problems({ messages: [] })).toEqual(['messages: messages must be a list of 1-2000 messages']);
  });

  it('accepts OpenRouter routing controls and refuses what it would not honour, naming the field', () => {
    expect(
      problems({
        models: ['gpt-4o-mini', 'llama3.1:8b'],
        provider: {
          order: ['groq'],
          only: ['groq', 'openai'],
          ignore: [],
          allow_fallbacks: true,
          sort: 'latency',
        },
      }),
    ).toEqual([]);
    expect(problems({ models: [], provider: { only: [], ignore: [], order: [] } })).toEqual([]);
    expect(problems({ models: ['a', 'b', 'c', 'd', 'e'] })).toEqual([
      'models: models must list at most 4 entries',
    ]);
    expect(problems({ models: ['a', 'b', 'a'] })).toEqual(["models: models[2] repeats 'a'"]);
    expect(problems({ models: 'gpt-4o-mini' })).toEqual(['models: models must be an array']);
    expect(problems({ provider: { order: ['groq', 'Groq'] } })).toEqual([
      expect.stringMatching(/^provider\.order: order\[1\] 'Groq' is not a provider \(one of /),
    ]);
    expect(problems({ provider: { sort: 'cost' } })).toEqual([
      'provider.sort: sort must be one of price, latency, throughput',
    ]);
    expect(problems({ provider: { allow_fallbacks: 'no' } })).toEqual([
      'provider.allow_fallbacks: allow_fallbacks must be a boolean value',
    ]);
    expect(problems({ provider: { data_collection: 'deny' } })).toEqual([
      'provider.data_collection: property data_collection should not exist',
    ]);
    expect(problems({ provider: 'groq' })).toContain('provider: provider must be an object');
  });
});
