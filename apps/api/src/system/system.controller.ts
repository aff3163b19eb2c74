import { Controller, Get, Inject } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Roles } from '@ops/infra/auth';
import { redactedSettings, type AppConfig } from '@ops/infra/config/app-config';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

@ApiTags('system')
@ApiBearerAuth()
@Roles('admin')
@ReadModels()
@Controller('api/v1/system')
export class SystemController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('config')
  @ApiOkResponse({
    description:
      'The effective configuration, keyed by the environment variable that sets each setting: null when unset, `[redacted]` for a secret that is set, connection strings without their passwords',
    schema: {
      type: 'object',
      additionalProperties: true,
      example: {
        PORT: 3000,
        DATABASE_URL: 'postgres://ops:[redacted]@db:5432/ops',
        JWT_SECRET: '[redacted]',
        KAFKA_BROKERS: null,
      },
    },
  })
  @ApiUnauthorizedResponse({ description: 'No valid bearer token' })
  @ApiForbiddenResponse({ description: 'The caller is not an admin' })
  configuration(): Record<string, unknown> {
    return redactedSettings(this.config);
  }
}
