import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import type { Producer, ProducerRecord, RecordMetadata } from 'kafkajs';
import { CreditEventsRelay } from './credit-events.relay';
import { toKafkaMessage } from './integration-message';

function creditGranted(userId: string, revision: bigint, position: string): RecordedEvent {
  return {
    id: `event-${userId}-${revision}`,
    type: 'CreditsGranted',
    schemaVersion: 1,
    data: { userId, amountMicros: '1000000', reason: 'test' },
    metadata: {
      actor: 'admin',
      correlationId: 'c',
      causationId: null,
      occurredAt: '2026-01-01T00:00:00.000Z',
      source: 'api',
    },
    streamName: `credit-account-${userId}`,
    revision,
    position,
    recordedAt: new Date(0),
  };
}

/** Records what was sent; `acknowledge` decides whether the broker accepts it. */
function fakeProducer(acknowledge: () => Promise<RecordMetadata[]> = async () => []) {
  const sent: ProducerRecord[] = [];
  const producer: Pick<Producer, 'send'> = {
    send: async (record) => {
      sent.push(record);
      return acknowledge();
    },
  };
  return { producer, sent };
}

describe('credit events relay', () => {
  it('follows the credit-account category under a stable checkpoint name', () => {
    const relay = new CreditEventsRelay(fakeProducer().producer, 'credits');
    expect(relay.name).toBe('kafka-relay:credits');
    expect(relay.filter).toStrictEqual({ streamPrefixes: ['credit-account-'] });
  });

  it('publishes the batch in order to the configured topic, waiting for all replicas', async () => {
    const { producer, sent } = fakeProducer();
    const events = [
      creditGranted('alice', 0n, '01'),
      creditGranted('bob', 0n, '02'),
      creditGranted('alice', 1n, '03'),
    ];
    await new CreditEventsRelay(producer, 'ops.credits').apply(events);
    expect(sent).toStrictEqual([{ topic: 'ops.credits', acks: -1, messages: events.map(toKafkaMessage) }]);
  });

  it('fails the batch when the broker does not acknowledge it, so the checkpoint stays put', async () => {
    const { producer } = fakeProducer(() => Promise.reject(new Error('NOT_ENOUGH_REPLICAS')));
    await expect(
      new CreditEventsRelay(producer, 'ops.credits').apply([creditGranted('alice', 0n, '01')]),
    ).rejects.toThrow('NOT_ENOUGH_REPLICAS');
  });

  it('sends nothing for an empty batch', async () => {
    const { producer, sent } = fakeProducer();
    await new CreditEventsRelay(producer, 'ops.credits').apply([]);
    expect(sent).toHaveLength(0);
  });
});
