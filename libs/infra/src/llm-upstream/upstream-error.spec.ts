import { errorKindOfStatus, UpstreamError, upstreamMessageOf } from './upstream-error';

describe('UpstreamError', () => {
  it('classifies statuses and marks what another attempt could fix as retryable', () => {
    const cases: Array<[number, string, boolean]> = [
      [400, 'bad_request', false],
      [401, 'auth', false],
      [403, 'auth', false],
      [404, 'bad_request', false],
      [408, 'timeout', true],
      [429, 'rate_limited', true],
      [500, 'server_error', true],
      [503, 'server_error', true],
      [529, 'server_error', true],
    ];
    for (const [status, kind, retryable] of cases) {
      const error = new UpstreamError(errorKindOfStatus(status), 'x', status);
      expect([error.kind, error.retryable]).toEqual([kind, retryable]);
    }
    expect(new UpstreamError('connection', 'refused').retryable).toBe(true);
  });

  it('keeps the provider text out of its public message, and secrets out of its log message', () => {
    const leaked = 'Incorrect API key provided: sk-proj-AbCdEfGhIjKlMnOpQrStUv. Contact admin@provider.test';
    const error = new UpstreamError('auth', leaked, 401);
    expect(error.publicMessage).toBe('the provider refused the credentials it was called with');
    expect(error.message).toContain('Incorrect API key provided: [redacted]');
    expect(error.message).not.toContain('sk-proj-AbCdEfGhIjKlMnOpQrStUv');
    expect(error.upstreamMessage).toBe(leaked);
    const ours = new UpstreamError('bad_request', 'n must be 1', null, null, { ownText: true });
    expect(ours.publicMessage).toBe('n must be 1');
  });

  it("finds the message in OpenAI's and Anthropic's error bodies, else keeps the text", () => {
    expect(upstreamMessageOf('{"error":{"message":"bad key","type":"invalid_request_error"}}')).toBe(
      'bad key',
    );
    expect(
      upstreamMessageOf('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'),
    ).toBe('Overloaded');
    expect(upstreamMessageOf('{"error":"plain"}')).toBe('plain');
    expect(upstreamMessageOf('<html>502 Bad Gateway</html>')).toBe('<html>502 Bad Gateway</html>');
    expect(upstreamMessageOf('')).toBe('empty error body');
  });
});
