import { redactToolMessage } from './redact';

describe('tool message redaction', () => {
  it('replaces listed secrets and anything shaped like a crypt hash', () => {
    expect(redactToolMessage('usermod: bad -p s3cret and $6$salt$abc/def.', ['s3cret'])).toBe(
      'usermod: bad -p [redacted] and [redacted]',
    );
  });

  it('trims and bounds the message', () => {
    const message = redactToolMessage(`  ${'x'.repeat(5000)}\n`, []);
    expect(message).toHaveLength(1000);
    expect(message.endsWith('…')).toBe(true);
  });
});
