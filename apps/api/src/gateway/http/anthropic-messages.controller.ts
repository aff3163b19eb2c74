import {
  Body,
  Controller,
  createParamDecorator,
  HttpCode,
  HttpStatus,
  Post,
  Res,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AcceptsApiKey, CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import { GatewayConfig } from '@ops/infra/config/features/gateway-config';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { OpenAiCompatibleError } from '@ops/infra/http';
import { openAiRequestOf } from '@ops/infra/llm-upstream';
import type { Request, Response } from 'express';
import { CommandCtx } from '../../common/command-context.decorator';
import { ChatCompletionsService } from '../completion/chat-completions.service';
import type { RequestPreferences } from '../completion/gateway-request';
import { promptTokensOf } from '../completion/request-planner';
import { ReadModels } from '../../common/read-your-writes/read-models.decorator';
import { RateLimits } from '../limits/rate-limits.interceptor';
import { withVettedImages } from './anthropic-images';
import { ANTHROPIC_MESSAGES_WIRE } from './anthropic-messages.wire';
import { AnthropicCountTokensDto, AnthropicMessagesRequestDto } from './dto/anthropic-messages-request.dto';
import { anthropicBetaProblem } from './dto/anthropic-messages.rules';
import { CompletionRoute, PreferenceHeaders } from './preference-headers';

/**
 * `anthropic-beta`, checked like a body field: it is forwarded to Anthropic with the request, and only
 * there, since it names features of Anthropic's own API.
 */
const AnthropicBeta = createParamDecorator((_: unknown, context: ExecutionContext): string | null => {
  const value = context.switchToHttp().getRequest<Request>().headers['anthropic-beta'];
  if (value === undefined) return null;
  const beta = Array.isArray(value) ? value.join(',') : value;
  const problem = anthropicBetaProblem(beta);
  if (problem) {
    throw new OpenAiCompatibleError(
      HttpStatus.BAD_REQUEST,
      `anthropic-beta ${problem}`,
      'invalid_request_error',
      'invalid_header',
      'anthropic-beta',
    );
  }
  return beta.replace(/\s+/g, '');
});

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
@Controller()
export class AnthropicMessagesController {
  private readonly imageLimits: { maxDataUrlBytes: number };

  constructor(
    private readonly completions: ChatCompletionsService,
    config: GatewayConfig,
  ) {
    this.imageLimits = { maxDataUrlBytes: config.LLM_IMAGE_DATA_URL_MAX_BYTES };
  }

  @CompletionRoute(['api/v1/llm/messages', 'v1/messages'])
  @ApiOkResponse({ description: 'An Anthropic Message, or its SSE event stream' })
  @ApiHeader({ name: 'anthropic-beta', required: false, description: 'Forwarded to Anthropic models only' })
  async create(
    @Body() body: AnthropicMessagesRequestDto,
    @AnthropicBeta() beta: string | null,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @PreferenceHeaders() preferences: RequestPreferences,
    @Res() response: Response,
  ): Promise<void> {
    const anthropic = withVettedImages(body, this.imageLimits);
    await this.completions.handle(
      { userId: user.id, apiKeyId: user.apiKeyId ?? null },
      { body: openAiRequestOf(anthropic), anthropic: { request: anthropic, beta } },
      preferences,
      { ...context, idempotencyKey: undefined },
      response,
      ANTHROPIC_MESSAGES_WIRE,
    );
  }

  /**
   * The prompt's size as the credit hold counts it (every field, an image at a fixed allowance): an
   * estimate that stays at or above what the common tokenizers count, not the provider's own count.
   */
  @Post(['api/v1/llm/messages/count_tokens', 'v1/messages/count_tokens'])
  @ReadModels()
  @HttpCode(200)
  @RateLimits('report')
  @ApiOkResponse({ description: '{input_tokens}: the estimate the credit hold is computed from' })
  countTokens(@Body() body: AnthropicCountTokensDto): { input_tokens: number } {
    const anthropic = withVettedImages({ ...body, max_tokens: 1 }, this.imageLimits);
    return { input_tokens: promptTokensOf(openAiRequestOf(anthropic), anthropic) };
  }
}
