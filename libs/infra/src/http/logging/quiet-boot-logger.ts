import type { LoggerService } from '@nestjs/common';

/**
 * Where Nest reports its own start-up, one line per module, controller and route (and again at
 * `listen`): worth reading when debugging the wiring, noise for an operator, who gets the start-up
 * summary instead.
 */
const NEST_BOOT_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Nest's logger with its start-up lines moved from info to debug; everything else as it was. */
export class QuietBootLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params.at(-1);
    if (typeof context === 'string' && NEST_BOOT_CONTEXTS.has(context)) {
      this.inner.debug?.(message, ...params);
    } else {
      this.inner.log(message, ...params);
    }
  }

  error(message: unknown, ...params: unknown[]): void {
    this.inner.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.inner.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.inner.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.inner.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.inner.fatal?.(message, ...params);
  }
}
