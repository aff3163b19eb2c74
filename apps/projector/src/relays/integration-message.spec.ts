import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { toIntegrationMessage, toKafkaMessage } from './integration-message';

const event: RecordedEvent = {
  id: '0b9f6f0e-6d3c-4d5e-9a53-3f0e0c9e2a11',
  type: 'CreditsGranted',
  schemaVersion: 1,
  data: { userId: 'alice', amountMicros: '9007199254740993000', reason: 'welcome' },
  metadata: {
    actor: 'admin-1',
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    occurredAt: '2026-01-02T03:04:05.000Z',
    source: 'api',
    ipAddress: '203.0.113.7',
  },
  streamName: 'credit-account-alice',
  revision: 9007199254740993n,
  position: '00000000000000000042',
  recordedAt: new Date('2026-01-02T03:04:06.000Z'),
};

describe('integration message', () => {
  it('carries exactly the documented fields, with the revision as a string', () => {
    expect(toIntegrationMessage(event)).toStrictEqual({
      id: event.id,
      type: 'CreditsGranted',
      schemaVersion: 1,
      stream: 'credit-account-alice',
      revision: '9007199254740993',
      position: '00000000000000000042',
      occurredAt: '2026-01-02T03:04:05.000Z',
      actor: 'admin-1',
      correlationId: 'corr-1',
      data: { userId: 'alice', amountMicros: '9007199254740993000', reason: 'welcome' },
    });
  });

  it('leaves every other metadata field out of the Kafka message', () => {
    const { value } = toKafkaMessage(event);
    for (const privateField of ['ipAddress', 'source', 'causationId', 'recordedAt', 'metadata']) {
      expect(String(value)).not.toContain(privateField);
    }
  });

  it('is keyed by stream, with the event id and type as headers and the message as JSON', () => {
    const message = toKafkaMessage(event);
    expect(message.key).toBe('credit-account-alice');
    expect(message.headers).toStrictEqual({ 'event-id': event.id, 'event-type': 'CreditsGranted' });
    expect(JSON.parse(String(message.value))).toStrictEqual(toIntegrationMessage(event));
  });
});
