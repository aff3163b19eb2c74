import type { AuthenticatedUser } from '@ops/infra/auth';
import { liveNotices, noticeVisibleTo } from './live-notices';

const liveNotice = (event: Parameters<typeof liveNotices>[0]) => {
  const notices = liveNotices(event);
  expect(notices.length).toBeLessThanOrEqual(1);
  return notices[0] ?? null;
};

const event = (streamName: string, type = 'Changed') => ({
  streamName,
  type,
  position: '00000000000000000001:1',
});
const person = (id: string, ...roles: AuthenticatedUser['roles']): AuthenticatedUser => ({ id, roles });

describe('live notices', () => {
  it('names what changed, from the stream, without the data', () => {
    expect(liveNotice(event('credit-account-alice', 'CreditsGranted'))).toEqual({
      kind: 'balance',
      user_id: 'alice',
      event_type: 'CreditsGranted',
      position: '00000000000000000001:1',
    });
    expect(liveNotice(event('local-user-web-1/bob'))).toMatchObject({
      kind: 'local-user',
      host_id: 'web-1',
      username: 'bob',
    });
    expect(liveNotice(event('provider-health-openai'))).toMatchObject({
      kind: 'provider-health',
      provider: 'openai',
    });
    expect(liveNotice(event('host-web-1', 'HostInventoryReported'))).toMatchObject({
      kind: 'host',
      host_id: 'web-1',
    });
    expect(liveNotice(event('api-keys-alice'))).toBeNull();
    expect(liveNotice(event('local-user-broken'))).toBeNull();
  });

  it('shows a balance to its owner and admins only; hosts and providers to admins only', () => {
    const balance = liveNotice(event('credit-account-alice'))!;
    expect(noticeVisibleTo(balance, person('alice', 'user'))).toBe(true);
    expect(noticeVisibleTo(balance, person('bob', 'user'))).toBe(false);
    expect(noticeVisibleTo(balance, person('fiona', 'finance'))).toBe(false);
    expect(noticeVisibleTo(balance, person('root', 'admin'))).toBe(true);
    for (const stream of ['local-user-web-1/bob', 'host-web-1', 'provider-health-openai']) {
      const notice = liveNotice(event(stream))!;
      expect(noticeVisibleTo(notice, person('root', 'admin'))).toBe(true);
      expect(noticeVisibleTo(notice, person('audrey', 'auditor'))).toBe(false);
      expect(noticeVisibleTo(notice, person('bob', 'user', 'finance'))).toBe(false);
    }
  });

  it("names a finished request's owner from its data, so usage refetches when a request ends", () => {
    const finished = (type: string) => ({ ...event('llm-request-r1', type), data: { userId: 'alice' } });
    expect(liveNotice(finished('RequestCompleted'))).toEqual({
      kind: 'usage',
      user_id: 'alice',
      event_type: 'RequestCompleted',
      position: '00000000000000000001:1',
    });
    expect(liveNotice(finished('RequestFailed'))).toMatchObject({ kind: 'usage', user_id: 'alice' });
    // Routed is not yet counted in usage; a request without a user names nobody.
    expect(liveNotice(finished('RequestRouted'))).toBeNull();
    expect(liveNotice({ ...event('llm-request-r2', 'RequestCompleted'), data: {} })).toBeNull();
  });

  it('names a balance and a usage change for a debit that carries its request, a balance change alone otherwise', () => {
    const debit = (data: object) => ({ ...event('credit-account-alice', 'CreditsDebited'), data });
    const ids = {
      userId: 'alice',
      reservationId: 'h1',
      requestId: 'r1',
      amountMicros: '4',
      period: '2026-12',
    };
    expect(
      liveNotices(debit({ ...ids, request: { model: 'gpt-4o-mini' } })).map((notice) => notice.kind),
    ).toEqual(['balance', 'usage']);
    expect(liveNotices(debit(ids)).map((notice) => notice.kind)).toEqual(['balance']);
    expect(liveNotices(event('credit-account-alice', 'CreditsGranted')).map((notice) => notice.kind)).toEqual(
      ['balance'],
    );
  });

  it("shows a user's usage to its owner, admins and finance only", () => {
    const usage = liveNotice({ ...event('llm-request-r1', 'RequestCompleted'), data: { userId: 'alice' } })!;
    expect(noticeVisibleTo(usage, person('alice', 'user'))).toBe(true);
    expect(noticeVisibleTo(usage, person('root', 'admin'))).toBe(true);
    expect(noticeVisibleTo(usage, person('fiona', 'finance'))).toBe(true);
    expect(noticeVisibleTo(usage, person('bob', 'user'))).toBe(false);
    expect(noticeVisibleTo(usage, person('audrey', 'auditor'))).toBe(false);
  });

  it('shows nothing of a kind it does not know', () => {
    const unknown = { kind: 'secret', position: '1', event_type: 'X' } as unknown as Parameters<
      typeof noticeVisibleTo
    >[0];
    expect(noticeVisibleTo(unknown, person('root', 'admin', 'auditor', 'finance', 'user'))).toBe(false);
  });
});
