import type { LoggerService } from '@nestjs/common';
import { QuietBootLogger } from './quiet-boot-logger';

describe('QuietBootLogger', () => {
  const calls: [string, unknown[]][] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      calls.push([level, args]);
  const inner: LoggerService = {
    log: record('info'),
    error: record('error'),
    warn: record('warn'),
    debug: record('debug'),
  };
  const logger = new QuietBootLogger(inner);

  beforeEach(() => (calls.length = 0));

  it.each([
    ['InstanceLoader', 'AuthModule dependencies initialized'],
    ['RoutesResolver', 'HostsController {/api/v1/hosts}:'],
    ['RouterExplorer', 'Mapped {/api/v1/hosts, GET} route'],
    ['NestFactory', 'Starting Nest application...'],
    ['NestApplication', 'Nest application successfully started'],
  ])("moves Nest's %s lines to debug", (context, message) => {
    logger.log(message, context);
    expect(calls).toStrictEqual([['debug', [message, context]]]);
  });

  it('keeps every other line at its level', () => {
    logger.log('ready', 'ops-center');
    logger.warn('slow', 'InstanceLoader');
    logger.error('failed', 'RouterExplorer');
    expect(calls.map(([level]) => level)).toStrictEqual(['info', 'warn', 'error']);
  });
});
