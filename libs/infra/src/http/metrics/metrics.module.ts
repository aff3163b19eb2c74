import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { GatewayRefusalMetrics } from './gateway-refusal-metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';

/**
 * Prometheus metrics at GET /metrics: the process defaults plus HTTP request durations. The
 * registry is global (inject `Registry` from prom-client) so any module can add its own metrics,
 * e.g. projection lag. Each application gets its own registry rather than prom-client's global one, so
 * that several applications in one process (tests, the single-node start) cannot collide.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Registry,
      useFactory: (): Registry => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
    HttpMetrics,
    GatewayRefusalMetrics,
  ],
  exports: [Registry, HttpMetrics, GatewayRefusalMetrics],
})
export class MetricsModule {}
