import { logLevel } from 'kafkajs';
import { kafkaLogCreator, type KafkaLogger } from './kafka-logging';

function recordingLogger() {
  const lines: { method: keyof KafkaLogger; context: Record<string, unknown>; message: string }[] = [];
  const record =
    (method: keyof KafkaLogger) =>
    (context: Record<string, unknown>, message: string): void => {
      lines.push({ method, context, message });
    };
  const logger: KafkaLogger = {
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
  };
  return { logger, lines };
}

describe('kafkajs log routing', () => {
  it('writes each entry at its level, with the details as context and without kafkajs own time', () => {
    const { logger, lines } = recordingLogger();
    const log = kafkaLogCreator(logger)(logLevel.WARN);
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: '2026-01-01T00:00:00.000Z',
        message: 'Response Metadata',
        logger: 'kafkajs',
        broker: 'b:9092',
      },
    });
    expect(lines).toStrictEqual([
      {
        method: 'error',
        context: { component: 'kafkajs', namespace: 'Connection', broker: 'b:9092' },
        message: 'Response Metadata',
      },
    ]);
  });

  it('maps every kafkajs level to the logger method of the same name', () => {
    const { logger, lines } = recordingLogger();
    const log = kafkaLogCreator(logger)(logLevel.DEBUG);
    for (const level of [logLevel.ERROR, logLevel.WARN, logLevel.INFO, logLevel.DEBUG, logLevel.NOTHING]) {
      log({ namespace: 'n', level, label: '', log: { timestamp: '', message: 'm' } });
    }
    expect(lines.map((line) => line.method)).toStrictEqual(['error', 'warn', 'info', 'debug']);
  });
});
