import { ConfigError, loadConfig } from './app-config';

describe('LLM_STREAM_MAX_SECONDS', () => {
  it('defaults well under the hold lifetime', () => {
    const config = loadConfig({});
    expect(config.LLM_STREAM_MAX_SECONDS).toBe(600);
    expect(config.LLM_STREAM_MAX_SECONDS).toBeLessThan(config.LLM_RESERVATION_TTL_SECONDS);
  });

  it.each([
    ['equal to', { LLM_STREAM_MAX_SECONDS: '900', LLM_RESERVATION_TTL_SECONDS: '900' }],
    ['above', { LLM_STREAM_MAX_SECONDS: '120', LLM_RESERVATION_TTL_SECONDS: '60' }],
  ])(
    'refuses to start with a stream limit %s the hold lifetime: a stream would outlive its hold',
    (_, env) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(
        /LLM_STREAM_MAX_SECONDS: must be below LLM_RESERVATION_TTL_SECONDS/,
      );
    },
  );

  it('accepts a limit below the hold lifetime', () => {
    expect(loadConfig({ LLM_STREAM_MAX_SECONDS: '59', LLM_RESERVATION_TTL_SECONDS: '60' })).toMatchObject({
      LLM_STREAM_MAX_SECONDS: 59,
    });
  });
});
