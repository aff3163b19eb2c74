import type { ChatMessageLike } from './chat-message';
import { detectTask } from './task-detection';

const user = (content: ChatMessageLike['content']): ChatMessageLike => ({ role: 'user', content });
const system = (content: string): ChatMessageLike => ({ role: 'system', content });
const prose = (chars: number) =>
  'The quarterly report describes the shipping process in detail. '.repeat(chars / 60);

describe('detectTask', () => {
  it.each([
    ['a code fence', 'Why does this fail?\n```ts\nconst x: number = "1";\n```'],
    ['a function to fix', 'Can you fix the bug in my function that parses dates?'],
    ['a stack trace', 'I get TypeError: cannot read properties of undefined in production'],
    ['source without fences', 'def total(items):\n    return sum(i.price for i in items)\nwhy is this slow'],
    ['a SQL query', 'select name, email from users where active = 1 -- make it faster'],
  ])('sees code in %s', (_why, text) => {
    expect(detectTask([user(text)])).toBe('code');
  });

  it.each([
    ['a poem', 'Write a short poem about autumn rain'],
    ['a story', 'Please tell me a bedtime story about a brave little fox'],
    ['lyrics', 'compose song lyrics for a birthday party'],
  ])('sees creative writing in %s', (_why, text) => {
    expect(detectTask([user(text)])).toBe('creative');
  });

  it.each([
    ['a comparison', 'Compare PostgreSQL and MySQL replication'],
    ['a summary', 'Summarize the main points of the meeting'],
    ['pros and cons', 'What are the pros and cons of remote work?'],
  ])('sees analysis in %s', (_why, text) => {
    expect(detectTask([user(text)])).toBe('analysis');
  });

  it('sees RAG in material to answer from', () => {
    expect(detectTask([system(`Documents:\n${prose(8_000)}`), user('When do parcels ship?')])).toBe('rag');
    expect(detectTask([user(`${prose(8_000)}\n\nWhen do parcels ship?`)])).toBe('rag');
    expect(detectTask([user('Based on the provided context, who signed the contract?')])).toBe('rag');
  });

  it('does not mistake a long conversation for material', () => {
    const history: ChatMessageLike[] = [
      user('hi'),
      { role: 'assistant', content: prose(9_000) },
      user('thanks, and how are you today?'),
    ];
    expect(detectTask(history)).toBe('chat');
  });

  it('prefers code when pasted code comes with a question', () => {
    const code = '```js\n' + 'const value = compute(input);\n'.repeat(300) + '```\nWhat does this do?';
    expect(detectTask([user(code)])).toBe('code');
  });

  it.each([
    ['small talk', 'hello, how are you?'],
    ['a plain question', 'What is the capital of Australia?'],
    ['one weak hint', 'I am learning python'],
    ['no user message at all', null],
  ])('falls back to chat for %s', (_why, text) => {
    expect(detectTask(text === null ? [system('Be brief.')] : [user(text)])).toBe('chat');
  });

  it('reads text parts and the latest user turn', () => {
    const parts = [{ type: 'image_url' }, { type: 'text', text: 'Write a haiku about this picture' }];
    expect(
      detectTask([user('fix this function please'), { role: 'assistant', content: null }, user(parts)]),
    ).toBe('creative');
  });

  it('uses the system prompt as a hint', () => {
    expect(detectTask([system('You review pull requests and debug code.'), user('here you go')])).toBe(
      'code',
    );
  });

  it('stays fast on a huge message by reading only its ends', () => {
    const huge = user(`Write a poem about the sea.\n${'lorem ipsum dolor '.repeat(300_000)}`);
    const started = performance.now();
    expect(detectTask([huge])).toBe('creative');
    expect(performance.now() - started).toBeLessThan(200);
  });
});
