import {
  anthropicOnlyField,
  openAiRequestOf,
  pdfTokensOf,
  untranslatedTextOf,
} from './from-anthropic-request';

describe('openAiRequestOf', () => {
  it('puts the system prompt first, keeps limits and stop sequences, and drops what OpenAI has no place for', () => {
    expect(
      openAiRequestOf({
        model: 'gpt-4o-mini',
        max_tokens: 100,
        system: [
          { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Answer in French.' },
        ],
        messages: [{ role: 'user', content: 'Hello' }],
        stop_sequences: ['END'],
        temperature: 0.2,
        top_k: 5,
        thinking: { type: 'adaptive' },
        metadata: { user_id: 'alice' },
        stream: true,
      }),
    ).toEqual({
      model: 'gpt-4o-mini',
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'Be brief.\n\nAnswer in French.' },
        { role: 'user', content: 'Hello' },
      ],
      stop: ['END'],
      temperature: 0.2,
      user: 'alice',
      stream: true,
    });
  });

  it('turns tool_use into tool_calls and each tool_result into a tool message ahead of the turn’s text', () => {
    const translated = openAiRequestOf({
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'The user wants weather.', signature: 'sig' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny' }] },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
      tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(translated.messages).toEqual([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          {
            id: 'toolu_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
    expect(translated.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
    ]);
    expect(translated.tool_choice).toBe('required');
    expect(translated.parallel_tool_calls).toBe(false);
  });

  it('gives images as data or https URLs, a tool result’s image after the tool message', () => {
    const translated = openAiRequestOf({
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            { type: 'text', text: 'What is it?' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'shot', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't',
              content: [
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              ],
            },
          ],
        },
      ],
    });
    expect(translated.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          { type: 'text', text: 'What is it?' },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't', type: 'function', function: { name: 'shot', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 't', content: '' },
      {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }],
      },
    ]);
  });

  it('counts replayed thinking, which only an Anthropic link is sent', () => {
    expect(
      untranslatedTextOf({
        model: 'm',
        max_tokens: 1,
        messages: [
          { role: 'user', content: 'x' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'abc', signature: 'def' },
              { type: 'redacted_thinking', data: 'ghi' },
            ],
          },
        ],
      }),
    ).toBe('abcdefghi');
  });
});

describe('PDFs', () => {
  const pdfOf = (body: string) => ({
    model: 'claude-haiku-4-5',
    max_tokens: 10,
    messages: [
      {
        role: 'user' as const,
        content: [
          {
            type: 'document' as const,
            source: {
              type: 'base64' as const,
              media_type: 'application/pdf' as const,
              data: Buffer.from(body).toString('base64'),
            },
          },
        ],
      },
    ],
  });

  it('holds 3,000 tokens for each page object, never counting the page tree as a page', () => {
    const threePages =
      '%PDF-1.4 << /Type /Pages /Count 3 >> << /Type /Page >> << /Type/Page >> << /Type /Page\n>>';
    expect(pdfTokensOf(pdfOf(threePages))).toBe(9_000);
  });

  it('takes a page per 50 KB when the pages are compressed out of sight', () => {
    expect(pdfTokensOf(pdfOf('x'.repeat(120_000)))).toBe(9_000);
  });

  it('keeps a PDF on Anthropic, naming the block', () => {
    expect(anthropicOnlyField(pdfOf('%PDF'))).toEqual({
      field: 'messages.0.content.0',
      reason: 'is a PDF document, which only Anthropic reads',
    });
    expect(openAiRequestOf(pdfOf('%PDF')).messages).toEqual([]);
  });
});
