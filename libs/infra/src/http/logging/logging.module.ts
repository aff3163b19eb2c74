import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { createRootLogger, httpLoggerOptions } from './pino-options';

const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** The pino-http middleware; configureHttpApp mounts it ahead of everything else. */
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');

export interface LoggingOptions {
  /** Where JSON lines go; standard output when absent. */
  destination?: DestinationStream;
}

/**
 * JSON logs through pino at LOG_LEVEL, with credentials redacted and a request id on every line.
 *
 * The access-log middleware is built here but mounted by configureHttpApp, ahead of the body
 * parser: requests whose bodies are refused are then still logged and get their request id.
 * nestjs-pino therefore runs with `useExisting`, only binding each request's logger to its context.
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions = {}): DynamicModule {
    const rootLogger: DynamicModule = {
      module: RootLoggerModule,
      providers: [
        {
          provide: ROOT_LOGGER,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): Logger => createRootLogger(config.LOG_LEVEL, options.destination),
        },
      ],
      exports: [ROOT_LOGGER],
    };
    return {
      module: LoggingModule,
      imports: [
        rootLogger,
        LoggerModule.forRootAsync({
          imports: [rootLogger],
          inject: [ROOT_LOGGER],
          useFactory: (logger: Logger) => ({ pinoHttp: { logger }, useExisting: true }),
        }),
      ],
      providers: [
        {
          provide: HTTP_LOGGER,
          inject: [ROOT_LOGGER],
          useFactory: (logger: Logger) => pinoHttp(httpLoggerOptions(logger)),
        },
      ],
      exports: [HTTP_LOGGER],
    };
  }
}

@Module({})
class RootLoggerModule {}
