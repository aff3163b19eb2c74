import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AcceptsApiKey, Roles } from '@ops/infra/auth';
import { ProviderHealthService } from '../health/provider-health.service';
import { ProvidersHealthView } from './llm-health.view';

/** Epoch milliseconds or a timestamp, as the view's ISO-8601. */
const isoOrNull = (at: number | string | null) => (at === null ? null : new Date(at).toISOString());

@ApiTags('llm gateway')
@ApiBearerAuth()
@AcceptsApiKey()
@Roles('user', 'admin', 'auditor')
@Controller('api/v1/llm/health')
export class LlmHealthController {
  constructor(private readonly health: ProviderHealthService) {}

  @Get()
  @ApiOkResponse({
    type: ProvidersHealthView,
    description:
      'Each provider: up, degraded or down, with error rate and latency; unconfigured without its key or base URL; a breaker another replica opened counts here, and `reported` names the replica',
  })
  providers(): ProvidersHealthView {
    return {
      providers: this.health.snapshot().map((view) => ({
        provider: view.provider,
        configured: view.configured,
        // No window says anything about a provider the platform cannot call: "up" would promise it.
        status: view.configured ? view.status : 'unconfigured',
        error_rate: view.errorRate,
        latency_p50_ms: view.latencyP50Ms,
        latency_p95_ms: view.latencyP95Ms,
        samples: view.samples,
        cooling_down_until: isoOrNull(view.coolingDownUntil),
        reported: view.reported
          ? {
              status: view.reported.status,
              error_rate: view.reported.errorRate,
              latency_p50_ms: view.reported.latencyP50Ms,
              latency_p95_ms: view.reported.latencyP95Ms,
              samples: view.reported.samples,
              cooling_down_until: isoOrNull(view.reported.coolingDownUntil),
              source: view.reported.source,
              reported_by: view.reported.reportedBy,
              reported_at: new Date(view.reported.reportedAt).toISOString(),
            }
          : null,
      })),
    };
  }
}
