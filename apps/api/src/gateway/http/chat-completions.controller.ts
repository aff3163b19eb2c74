import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AcceptsApiKey, CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import type { ChatCompletionRequest } from '@ops/infra/llm-upstream';
import type { Response } from 'express';
import { CommandCtx } from '../../common/command-context.decorator';
import { ChatCompletionsService } from '../completion/chat-completions.service';
import { ChatCompletionRequestDto } from './dto/chat-completion-request.dto';
import { OPENAI_CHAT_WIRE } from './openai-chat.wire';
import { parsePowerLevelHeader, parsePrivacyHeader } from './preference-headers';
import { routingControlsOf, RoutingControlsPipe } from './routing-controls.pipe';
import { RateLimits } from '../limits/rate-limits.interceptor';
import { ReadModels } from '../../common/read-your-writes/read-models.decorator';

/** OpenAI's chat completions, under both mounts an SDK's base URL may point at. */
@ApiTags('llm gateway')
@ApiBearerAuth()
@AcceptsApiKey()
@Roles('user', 'admin')
// The hot path does not wait for the usage and ledger read models, which trail it by milliseconds.
@ReadModels()
@Controller()
export class ChatCompletionsController {
  constructor(private readonly completions: ChatCompletionsService) {}

  @Post(['api/v1/llm/chat/completions', 'v1/chat/completions'])
  @RateLimits('admit')
  @ApiHeader({ name: 'x-power-level', required: false, description: 'eco | balanced | precision' })
  @ApiHeader({ name: 'x-privacy-mode', required: false, description: 'on: local providers only' })
  @ApiOkResponse({ description: 'An OpenAI chat.completion, or an SSE stream of chat.completion.chunk' })
  async create(
    @Body(RoutingControlsPipe) body: ChatCompletionRequestDto,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @Headers('x-power-level') powerHeader: string | undefined,
    @Headers('x-privacy-mode') privacyHeader: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { power_level: powerLevel, privacy, models, provider, ...openAiBody } = body;
    await this.completions.handle(
      { userId: user.id, apiKeyId: user.apiKeyId ?? null },
      { body: openAiBody as ChatCompletionRequest, anthropic: null },
      {
        powerLevel: parsePowerLevelHeader(powerHeader) ?? powerLevel,
        privacy: parsePrivacyHeader(privacyHeader) ?? privacy,
        routing: routingControlsOf({ models, provider }),
      },
      { ...context, idempotencyKey: undefined },
      response,
      OPENAI_CHAT_WIRE,
    );
  }
}
