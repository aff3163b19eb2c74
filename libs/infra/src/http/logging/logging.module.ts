import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type DestinationStream, destination, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { HttpConfig } from '../http-config';
import { createRootLogger, httpLoggerOptions } from './pino-options';

/** Where the JSON lines go: standard output. Tests override it to read what was logged. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/** The pino-http access-log middleware; configureHttpApp mounts it ahead of everything else. */
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');

const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** Holds the one root logger that nestjs-pino and the access log share. */
@Module({
  providers: [
    { provide: LOG_DESTINATION, useFactory: (): DestinationStream => destination(1) },
    {
      provide: ROOT_LOGGER,
      inject: [HttpConfig, LOG_DESTINATION],
      useFactory: (config: HttpConfig, stream: DestinationStream): Logger =>
        createRootLogger(config.LOG_LEVEL, stream),
    },
  ],
  exports: [ROOT_LOGGER],
})
class RootLoggerModule {}

/**
 * JSON logs through pino at LOG_LEVEL, with credentials redacted and a request id on every line.
 *
 * The access-log middleware is built here but mounted by configureHttpApp, ahead of the body
 * parser, so that requests whose bodies are refused are still logged and get their request id.
 * nestjs-pino therefore runs with `useExisting`: it only binds each request's logger to its context.
 */
@Module({
  imports: [
    RootLoggerModule,
    LoggerModule.forRootAsync({
      imports: [RootLoggerModule],
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
})
export class LoggingModule {}
