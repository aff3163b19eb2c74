import type { CreditsGranted, CreditsRevoked } from '@ops/domain';
import type { RecordedEvent } from '../event-store/event-store';
import { domainEvents, isDomainEvent } from './domain-events';

function recorded(type: string, data: Record<string, unknown>, revision: bigint): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-00000000000${revision}`,
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor: 'admin',
      correlationId: 'c',
      causationId: null,
      occurredAt: '2026-12-01T00:00:00.000Z',
      source: 'test',
    },
    streamName: 'credit-account-ann',
    revision,
    position: String(revision),
    recordedAt: new Date('2026-12-01T00:00:00.000Z'),
  };
}

const batch = [
  recorded('CreditsGranted', { userId: 'ann', amountMicros: '5', reason: 'welcome' }, 0n),
  recorded('CreditsReserved', { userId: 'ann', amountMicros: '2' }, 1n),
  recorded('CreditsRevoked', { userId: 'ann', amountMicros: '3', reason: 'mistake' }, 2n),
];

describe("events typed as the domain's", () => {
  it('keeps only the declared types, in log order, and their type narrows their data', () => {
    const events = domainEvents<CreditsGranted | CreditsRevoked>(batch, ['CreditsGranted', 'CreditsRevoked']);
    expect(events.map((event) => event.revision)).toEqual([0n, 2n]);
    // Compiles only because comparing the type narrows the data to the domain's shape.
    const reasons = events.map((event) =>
      event.type === 'CreditsRevoked'
        ? `-${event.data.amountMicros}: ${event.data.reason}`
        : event.data.reason,
    );
    expect(reasons).toEqual(['welcome', '-3: mistake']);
  });

  it('tells one event of a declared type from any other', () => {
    expect(batch.map((event) => isDomainEvent<CreditsGranted>(event, ['CreditsGranted']))).toEqual([
      true,
      false,
      false,
    ]);
  });
});
