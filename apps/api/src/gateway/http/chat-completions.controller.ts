import { Body, Controller, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AcceptsApiKey, CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import type { ChatCompletionRequest } from '@ops/infra/llm-upstream';
import type { Response } from 'express';
import { CommandCtx } from '../../common/command-context.decorator';
import { ChatCompletionsService } from '../completion/chat-completions.service';
import { ChatCompletionRequestDto } from './dto/chat-completion-request.dto';
import { OPENAI_CHAT_WIRE } from './openai-chat.wire';
import type { RequestPreferences } from '../completion/gateway-request';
import { CompletionRoute, PreferenceHeaders } from './preference-headers';
import { routingControlsOf, RoutingControlsPipe } from './routing-controls.pipe';

/** OpenAI's chat completions, under both mounts an SDK's base URL may point at. */
@ApiTags('llm gateway')
@ApiBearerAuth()
@AcceptsApiKey()
@Roles('user', 'admin')
@Controller()
export class ChatCompletionsController {
  constructor(private readonly completions: ChatCompletionsService) {}

  @CompletionRoute(['api/v1/llm/chat/completions', 'v1/chat/completions'])
  @ApiOkResponse({ description: 'An OpenAI chat.completion, or an SSE stream of chat.completion.chunk' })
  async create(
    @Body(RoutingControlsPipe) body: ChatCompletionRequestDto,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @PreferenceHeaders() headers: RequestPreferences,
    @Res() response: Response,
  ): Promise<void> {
    const { power_level: powerLevel, privacy, models, provider, ...openAiBody } = body;
    await this.completions.handle(
      { userId: user.id, apiKeyId: user.apiKeyId ?? null },
      { body: openAiBody as ChatCompletionRequest, anthropic: null },
      {
        powerLevel: headers.powerLevel ?? powerLevel,
        privacy: headers.privacy ?? privacy,
        routing: routingControlsOf({ models, provider }),
      },
      { ...context, idempotencyKey: undefined },
      response,
      OPENAI_CHAT_WIRE,
    );
  }
}
