import type { Message, Producer, ProducerRecord } from 'kafkajs';
import { IDEMPOTENT_PRODUCER_CONFIG, publishAcknowledged } from './idempotent-producer';

function recordingProducer() {
  const sent: ProducerRecord[] = [];
  const producer: Pick<Producer, 'send'> = {
    send: async (record) => {
      sent.push(record);
      return [];
    },
  };
  return { producer, sent };
}

describe('idempotent producer', () => {
  it('is idempotent with one request in flight, which keeps retried batches in order', () => {
    expect(IDEMPOTENT_PRODUCER_CONFIG).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
  });

  it('sends a small batch as one request with acks from all replicas', async () => {
    const { producer, sent } = recordingProducer();
    const messages: Message[] = [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ];
    await publishAcknowledged(producer, 'topic', messages);
    expect(sent).toStrictEqual([{ topic: 'topic', acks: -1, messages }]);
  });

  it('splits a batch larger than a request may carry, keeping the order', async () => {
    const { producer, sent } = recordingProducer();
    const messages: Message[] = Array.from({ length: 5 }, (_, index) => ({
      key: String(index),
      value: 'x'.repeat(200 * 1024),
      headers: { 'event-id': String(index) },
    }));
    await publishAcknowledged(producer, 'topic', messages);
    expect(sent.map((request) => request.messages.map((message) => message.key))).toStrictEqual([
      ['0', '1'],
      ['2', '3'],
      ['4'],
    ]);
    expect(sent.every((request) => request.acks === -1)).toBe(true);
  });

  it('sends nothing for an empty batch', async () => {
    const { producer, sent } = recordingProducer();
    await publishAcknowledged(producer, 'topic', []);
    expect(sent).toHaveLength(0);
  });
});
