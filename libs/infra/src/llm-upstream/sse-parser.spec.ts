import { SseParser, type SseEvent } from './sse-parser';

function parseInPieces(pieces: string[]): SseEvent[] {
  const parser = new SseParser();
  return pieces.flatMap((piece) => parser.push(piece));
}

describe('SseParser', () => {
  const stream =
    'event: message_start\ndata: {"type":"message_start"}\n\n' +
    ': keep-alive comment\n\n' +
    'data: {"a":1}\n\n' +
    'data: first line\ndata: second line\n\n' +
    'data: [DONE]\n\n';
  const expected: SseEvent[] = [
    { event: 'message_start', data: '{"type":"message_start"}' },
    { event: 'message', data: '{"a":1}' },
    { event: 'message', data: 'first line\nsecond line' },
    { event: 'message', data: '[DONE]' },
  ];

  it('reads named events, unnamed ones, multi-line data and [DONE], skipping comments', () => {
    expect(parseInPieces([stream])).toEqual(expected);
  });

  it('gives the same events whatever the piece boundaries, down to one character at a time', () => {
    expect(parseInPieces(stream.split(''))).toEqual(expected);
    for (let cut = 1; cut < stream.length; cut += 7) {
      expect(parseInPieces([stream.slice(0, cut), stream.slice(cut)])).toEqual(expected);
    }
  });

  it('accepts CRLF and CR line breaks, even when a CRLF is split between two pieces', () => {
    const crlf = stream.replace(/\n/g, '\r\n');
    expect(parseInPieces(crlf.split(''))).toEqual(expected);
    expect(parseInPieces([stream.replace(/\n/g, '\r')])).toEqual(expected);
    expect(parseInPieces(['data: x\r', '\n\r', '\ndata: y\r\n\r\n'])).toEqual([
      { event: 'message', data: 'x' },
      { event: 'message', data: 'y' },
    ]);
  });

  it('holds back an event until its blank line arrives, and drops an unterminated one', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"partial":')).toEqual([]);
    expect(parser.push(' true}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: '{"partial": true}' }]);
    expect(parser.push('data: never finished')).toEqual([]);
  });

  it('strips one leading space only, ignores a BOM and fields it does not use', () => {
    expect(parseInPieces(['\ufeffid: 7\nretry: 100\ndata:  two spaces\ndata:none\n\n'])).toEqual([
      { event: 'message', data: ' two spaces\nnone' },
    ]);
  });

  it('sends no event for a block without data, and resets the event name after each event', () => {
    expect(parseInPieces(['event: ping\n\ndata: a\n\n'])).toEqual([{ event: 'message', data: 'a' }]);
  });
});
