import type { AppConfig } from '@ops/infra/config/app-config';
import type { DigestSigner, RecordedDigests } from '@ops/infra/event-store/integrity';
import { AuditDigestTimer } from './audit-digest-timer';

describe('AuditDigestTimer', () => {
  afterEach(() => jest.useRealTimers());

  it.each(['postgres', 'eventstoredb'] as const)('signs digests on a %s event store', async (eventStore) => {
    jest.useFakeTimers();
    const sign = jest.fn().mockResolvedValue({
      payload: { digest_id: 'd', stream_count: 1, log_position: '' },
    });
    const timer = new AuditDigestTimer(
      { AUDIT_DIGEST_INTERVAL_SECONDS: 60, EVENT_STORE: eventStore } as AppConfig,
      { sign } as unknown as DigestSigner,
      { latest: jest.fn().mockResolvedValue(null) } as unknown as RecordedDigests,
    );
    timer.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(sign).toHaveBeenCalledTimes(1);
    await timer.onApplicationShutdown();
  });
});
