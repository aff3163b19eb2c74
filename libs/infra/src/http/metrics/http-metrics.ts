import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Histogram, Registry } from 'prom-client';

/** Paths that matched no route share one label, so probing random URLs cannot explode cardinality. */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every HTTP request by method, route template and status. Mounted by configureHttpApp at
 * the edge, so requests refused by the body parser, the guards or the router are counted too.
 */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(@Inject(Registry) registry: Registry) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests, by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }

  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const stop = this.duration.startTimer();
    response.once('finish', () => {
      stop({ method: request.method, route: routeOf(request), status_code: String(response.statusCode) });
    });
    next();
  };
}

function routeOf(request: Request): string {
  const route: unknown = request.route;
  const path = typeof route === 'object' && route !== null ? (route as { path?: unknown }).path : undefined;
  return typeof path === 'string' ? `${request.baseUrl}${path}` : UNMATCHED_ROUTE;
}
