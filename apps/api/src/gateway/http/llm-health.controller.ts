import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AcceptsApiKey, Roles } from '@ops/infra/auth';
import { ProviderHealthService } from '../health/provider-health.service';
import { ProvidersHealthView } from './llm-health.view';

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
      'Each provider: up, degraded or down, with error rate and latency; unconfigured without its key or base URL',
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
        cooling_down_until:
          view.coolingDownUntil === null ? null : new Date(view.coolingDownUntil).toISOString(),
      })),
    };
  }
}
