import { parseBrokers } from './kafka-client';

describe('KAFKA_BROKERS', () => {
  it('reads a comma-separated list, ignoring blanks', () => {
    expect(parseBrokers(' kafka-1:9092, kafka-2:9092 ,')).toStrictEqual(['kafka-1:9092', 'kafka-2:9092']);
  });

  it('refuses a list without a broker', () => {
    expect(() => parseBrokers(' , ')).toThrow('KAFKA_BROKERS lists no broker');
  });
});
