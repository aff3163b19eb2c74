import {
  Partitioners,
  type Kafka,
  type Message,
  type Producer,
  type ProducerConfig,
  type RecordMetadata,
} from 'kafkajs';

/**
 * With `idempotent` the broker drops a batch that a retry sends twice (producer id + sequence), and
 * kafkajs then insists on acks=all. One request in flight keeps the sequence numbers, and so the
 * per-partition order, intact when a request is retried. The Java-compatible partitioner places a
 * key where Kafka's own clients would, so consumers in any language agree on partitions.
 */
export const IDEMPOTENT_PRODUCER_CONFIG: Readonly<ProducerConfig> = {
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
};

/** Every write waits for all in-sync replicas. */
export const ACKS_ALL = -1;

/** Half the broker's default `message.max.bytes` (1 MiB), which caps one partition's batch in a request. */
const MAX_REQUEST_BYTES = 512 * 1024;

export async function connectIdempotentProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer(IDEMPOTENT_PRODUCER_CONFIG);
  await producer.connect();
  return producer;
}

type Bytes = Buffer | string | null | undefined;

function byteLength(value: Bytes | readonly Bytes[]): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item: Bytes) => sum + byteLength(item), 0);
  return typeof value === 'string' || Buffer.isBuffer(value) ? Buffer.byteLength(value) : 0;
}

/** Payload bytes only: record overhead is small next to the margin below the broker's limit. */
function payloadSize(message: Message): number {
  const headers = Object.entries(message.headers ?? {}).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + byteLength(value),
    0,
  );
  return byteLength(message.key) + byteLength(message.value) + headers;
}

function* chunksOf(messages: readonly Message[]): Generator<Message[]> {
  let chunk: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = payloadSize(message);
    if (chunk.length > 0 && bytes + size > MAX_REQUEST_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Sends the messages in order and resolves only once the broker has acknowledged all of them, so a
 * caller may then record them as published. Large batches go out in several requests, one after the
 * other, because the broker rejects a partition batch above `message.max.bytes`.
 */
export async function publishAcknowledged(
  producer: Pick<Producer, 'send'>,
  topic: string,
  messages: readonly Message[],
): Promise<RecordMetadata[]> {
  const acknowledged: RecordMetadata[] = [];
  for (const chunk of chunksOf(messages)) {
    acknowledged.push(...(await producer.send({ topic, acks: ACKS_ALL, messages: chunk })));
  }
  return acknowledged;
}
