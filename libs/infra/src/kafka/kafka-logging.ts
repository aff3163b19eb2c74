import { logLevel, type logCreator } from 'kafkajs';

type LogMethod = (context: Record<string, unknown>, message: string) => void;

/** The subset of a pino logger that kafkajs's log lines are routed to. */
export interface KafkaLogger {
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
}

const METHOD_BY_LEVEL: Readonly<Record<logLevel, keyof KafkaLogger | null>> = {
  [logLevel.NOTHING]: null,
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Turns kafkajs's log entries into structured lines of the application's logger, so broker trouble
 * shows up in the same JSON stream as everything else instead of kafkajs's own console output.
 */
export function kafkaLogCreator(logger: KafkaLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const method = METHOD_BY_LEVEL[level];
      if (!method) return;
      // The application's logger stamps its own time and names itself.
      const { message, timestamp: _timestamp, logger: _logger, ...details } = log;
      logger[method]({ component: 'kafkajs', namespace, ...details }, message);
    };
}
