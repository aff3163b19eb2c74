import { Body, Controller, Headers, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AcceptsApiKey, CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import type { AppConfig } from '@ops/infra/config/app-config';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { openAiRequestOf } from '@ops/infra/llm-upstream';
import type { Response } from 'express';
import { CommandCtx } from '../../common/command-context.decorator';
import { ChatCompletionsService } from '../completion/chat-completions.service';
import { ReadModels } from '../../common/read-your-writes/read-models.decorator';
import { RateLimits } from '../limits/rate-limits.interceptor';
import { withVettedImages } from './anthropic-images';
import { ANTHROPIC_MESSAGES_WIRE } from './anthropic-messages.wire';
import { AnthropicMessagesRequestDto } from './dto/anthropic-messages-request.dto';
import { parsePowerLevelHeader, parsePrivacyHeader } from './preference-headers';

/**
 * Anthropic's Messages API, under both mounts an Anthropic SDK's base URL may point at (the SDKs add
 * `/v1/messages` to it), for Claude Code and the Anthropic SDKs. Routed, held, charged and recorded by
 * the same pipeline as chat completions; only the wire differs.
 */
@ApiTags('llm gateway')
@ApiBearerAuth()
@ApiSecurity('x-api-key')
@AcceptsApiKey()
@Roles('user', 'admin')
// Like chat completions, the answer does not wait for the usage and ledger read models.
@ReadModels()
@Controller()
export class AnthropicMessagesController {
  private readonly imageLimits: { maxDataUrlBytes: number };

  constructor(
    private readonly completions: ChatCompletionsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.imageLimits = { maxDataUrlBytes: config.LLM_IMAGE_DATA_URL_MAX_BYTES };
  }

  @Post(['api/v1/llm/messages', 'v1/messages'])
  @RateLimits('admit')
  @ApiHeader({ name: 'x-power-level', required: false, description: 'eco | balanced | precision' })
  @ApiHeader({ name: 'x-privacy-mode', required: false, description: 'on: local providers only' })
  @ApiOkResponse({ description: 'An Anthropic Message, or its SSE event stream' })
  async create(
    @Body() body: AnthropicMessagesRequestDto,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @Headers('x-power-level') powerHeader: string | undefined,
    @Headers('x-privacy-mode') privacyHeader: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const anthropic = withVettedImages(body, this.imageLimits);
    await this.completions.handle(
      { userId: user.id, apiKeyId: user.apiKeyId ?? null },
      { body: openAiRequestOf(anthropic), anthropic },
      { powerLevel: parsePowerLevelHeader(powerHeader), privacy: parsePrivacyHeader(privacyHeader) },
      { ...context, idempotencyKey: undefined },
      response,
      ANTHROPIC_MESSAGES_WIRE,
    );
  }
}
