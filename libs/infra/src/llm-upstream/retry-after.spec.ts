import { retryAfterMsOf } from './retry-after';

describe('retryAfterMsOf', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads seconds, fractional seconds and an HTTP date', () => {
    expect(retryAfterMsOf({ 'retry-after': '3' }, now)).toBe(3000);
    expect(retryAfterMsOf({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(retryAfterMsOf({ 'retry-after': 'Thu, 01 Jan 2026 00:00:20 GMT' }, now)).toBe(20_000);
  });

  it('prefers retry-after-ms', () => {
    expect(retryAfterMsOf({ 'retry-after-ms': '250', 'retry-after': '3' }, now)).toBe(250);
  });

  it('is null when absent or unreadable, and never negative', () => {
    expect(retryAfterMsOf({}, now)).toBeNull();
    expect(retryAfterMsOf({ 'retry-after': 'soon' }, now)).toBeNull();
    expect(retryAfterMsOf({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, now)).toBe(0);
  });
});
