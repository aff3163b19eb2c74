import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import type { EntityManager } from 'typeorm';
import { actionOf, AuditLogProjection, isAudited } from './audit-log.projection';

describe('audit action names', () => {
  it.each([
    ['CreditsGranted', 'credits.granted'],
    ['LocalUserPasswordChanged', 'local_user_password.changed'],
    ['Ping', 'ping'],
  ])('%s reads as %s', (type, action) => {
    expect(actionOf(type)).toBe(action);
  });
});

describe('what the audit log keeps a row for', () => {
  it.each([
    ['credit-account-ann', 'CreditsGranted', true],
    ['credit-account-ann', 'CreditsRevoked', true],
    ['credit-account-ann', 'CreditsPurchased', true],
    ['credit-account-ann', 'AccountPlanChanged', true],
    ['local-user-local/carol', 'LocalUserCreated', true],
    ['host-local', 'HostChangeFailed', true],
    ['api-key-k1', 'ApiKeyCreated', true],
    // A gateway request's own traffic: in the event log, the ledger and usage_log already.
    ['credit-account-ann', 'CreditsReserved', false],
    ['credit-account-ann', 'CreditsDebited', false],
    ['credit-account-ann', 'CreditsReleased', false],
    ['llm-request-r1', 'RequestRouted', false],
    ['llm-request-r1', 'RequestCompleted', false],
    ['llm-request-r1', 'RequestFailed', false],
  ])('%s %s: %s', (streamName, type, audited) => {
    expect(isAudited({ streamName, type })).toBe(audited);
  });

  it('writes the audited events of a batch and skips the rest', async () => {
    const event = (streamName: string, type: string, id: string): RecordedEvent => ({
      id,
      type,
      schemaVersion: 1,
      streamName,
      revision: 0n,
      position: `${'1'.padStart(20, '0')}:${id.padStart(20, '0')}`,
      recordedAt: new Date('2026-12-01T00:00:00.000Z'),
      data: { userId: 'ann' },
      metadata: {
        actor: 'ann',
        correlationId: 'c',
        causationId: null,
        occurredAt: '2026-12-01T00:00:00.000Z',
        source: 'api',
      },
    });
    const queries: string[][] = [];
    const tx = { query: async (_sql: string, params: string[]) => queries.push(params) };
    const projection = new AuditLogProjection();
    await projection.apply(
      [
        event('credit-account-ann', 'CreditsGranted', '1'),
        event('credit-account-ann', 'CreditsReserved', '2'),
        event('llm-request-r1', 'RequestCompleted', '3'),
      ],
      tx as unknown as EntityManager,
    );
    expect(queries).toHaveLength(1);
    const rows: string[][] = JSON.parse(queries[0][0]);
    expect(rows.map(([eventId]) => eventId)).toEqual(['1']);
    await projection.apply([event('llm-request-r2', 'RequestRouted', '4')], tx as unknown as EntityManager);
    expect(queries).toHaveLength(1);
  });
});
