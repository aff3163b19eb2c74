import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { ProjectorService } from './projector.service';

/**
 * Prometheus view of the projector: lag per projection (read when scraped, so it is never stale) and
 * the events each one applied.
 */
@Injectable()
export class ProjectorMetrics {
  constructor(registry: Registry, projector: ProjectorService) {
    new Gauge({
      name: 'ops_projection_lag_seconds',
      help: 'Age of the oldest event a projection has not applied yet (0 when caught up)',
      labelNames: ['projection'],
      registers: [registry],
      async collect() {
        for (const status of await projector.status())
          this.set({ projection: status.name }, status.lag_ms / 1000);
      },
    });
    const applied = new Counter({
      name: 'ops_projection_events_applied_total',
      help: 'Events applied by each projection in this process',
      labelNames: ['projection'],
      registers: [registry],
    });
    projector.onBatchCommitted((name, events) => applied.inc({ projection: name }, events.length));
  }
}
