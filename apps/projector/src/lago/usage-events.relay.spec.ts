import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import type { Producer, ProducerRecord } from 'kafkajs';
import { UsageEventsRelay } from './usage-events.relay';

function recorded(streamName: string, type: string, schemaVersion: number, data: object): RecordedEvent {
  return {
    id: `event-${type}`,
    type,
    schemaVersion,
    data: data as Record<string, unknown>,
    metadata: {
      actor: 'alice',
      correlationId: 'c',
      causationId: null,
      occurredAt: '2026-12-07T10:00:00.000Z',
      source: 'api',
    },
    streamName,
    revision: 3n,
    position: '07',
    recordedAt: new Date(0),
  };
}

const ids = {
  userId: 'alice',
  reservationId: 'hold-1',
  requestId: 'req-1',
  amountMicros: '9',
  period: '2026-12',
};

describe('usage events relay', () => {
  it('publishes a completion a debit carries as its RequestCompleted, failures as stored, and nothing else', async () => {
    const sent: ProducerRecord[] = [];
    const producer: Pick<Producer, 'send'> = {
      send: async (record) => {
        sent.push(record);
        return [];
      },
    };
    await new UsageEventsRelay(producer, 'ops.usage').apply([
      recorded('credit-account-alice', 'CreditsDebited', 4, { ...ids, request: { model: 'gpt-4o-mini' } }),
      recorded('credit-account-alice', 'CreditsDebited', 3, ids),
      recorded('llm-request-req-2', 'RequestFailed', 3, { requestId: 'req-2', userId: 'alice' }),
    ]);
    const messages = sent[0].messages.map((message) => JSON.parse(String(message.value)));
    expect(messages).toMatchObject([
      {
        id: 'event-CreditsDebited',
        type: 'RequestCompleted',
        schemaVersion: 5,
        stream: 'credit-account-alice',
        data: { requestId: 'req-1', userId: 'alice', costMicros: '9', model: 'gpt-4o-mini' },
      },
      { type: 'RequestFailed', data: { requestId: 'req-2' } },
    ]);
    expect(sent[0].messages[0].headers).toMatchObject({ 'event-type': 'RequestCompleted' });
  });
});
