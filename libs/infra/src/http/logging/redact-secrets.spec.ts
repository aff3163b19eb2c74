import { redactQuery, redactSecrets, redactUrl } from './redact-secrets';

const OPS_KEY = `sk-ops-${'A1b2C3d4'.repeat(5)}abc`;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXBhcnQ';

describe('redactSecrets', () => {
  it.each([
    ['an ops key', `key ${OPS_KEY} refused`],
    ['an OpenAI project key', 'Incorrect API key provided: sk-proj-abcdefghijklmnop1234'],
    ['a Groq key', 'invalid gsk_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['a JWT', `token ${JWT}`],
    ['a bearer header', 'Authorization: Bearer opaque.token-value'],
    ['a long hex key', `key=${'0123456789abcdef'.repeat(4)}`],
  ])('hides %s', (_what, text) => {
    const redacted = redactSecrets(text);
    expect(redacted).toContain('[redacted]');
    for (const secret of [
      OPS_KEY,
      JWT,
      'opaque.token-value',
      'sk-proj-abcdefghijklmnop1234',
      '0123456789abcdef0123',
    ]) {
      expect(redacted).not.toContain(secret);
    }
  });

  it('keeps ordinary words and UUIDs', () => {
    const text = "Invalid value for 'temperature' in request 0b6f3c52-8a41-4d7e-b1f5-3e2c9a7d6f10";
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('redactUrl and redactQuery', () => {
  it('keeps the path and the parameter names, never a value', () => {
    expect(redactUrl(`/v1/models?api_key=${OPS_KEY}&limit=5&flag`)).toBe(
      '/v1/models?api_key=[redacted]&limit=[redacted]&flag',
    );
    expect(redactUrl(`/v1/${OPS_KEY}/x`)).toBe('/v1/[redacted]/x');
    expect(redactUrl('/health')).toBe('/health');
  });

  it('replaces every value of a parsed query', () => {
    expect(redactQuery({ key: OPS_KEY, limit: '5' })).toEqual({ key: '[redacted]', limit: '[redacted]' });
    expect(redactQuery(undefined)).toBeUndefined();
  });
});
