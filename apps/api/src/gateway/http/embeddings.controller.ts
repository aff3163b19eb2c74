import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AcceptsApiKey, CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import type { Response } from 'express';
import { CommandCtx } from '../../common/command-context.decorator';
import { EmbeddingsService } from '../completion/embeddings.service';
import { ReadModels } from '../../common/read-your-writes/read-models.decorator';
import { RateLimits } from '../limits/rate-limits.interceptor';
import { EmbeddingsRequestDto } from './dto/embeddings-request.dto';
import { parsePrivacyHeader } from './preference-headers';

/** OpenAI's embeddings, under both mounts an SDK's base URL may point at. */
@ApiTags('llm gateway')
@ApiBearerAuth()
@AcceptsApiKey()
@Roles('user', 'admin')
// Like chat completions, the answer does not wait for the usage and ledger read models.
@ReadModels()
@Controller()
export class EmbeddingsController {
  constructor(private readonly embeddings: EmbeddingsService) {}

  @Post(['api/v1/llm/embeddings', 'v1/embeddings'])
  @RateLimits('admit')
  @ApiHeader({ name: 'x-privacy-mode', required: false, description: 'on: local providers only' })
  @ApiOkResponse({ description: 'An OpenAI embeddings list' })
  async create(
    @Body() body: EmbeddingsRequestDto,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
    @Headers('x-privacy-mode') privacyHeader: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { privacy, ...openAiBody } = body;
    await this.embeddings.handle(
      { userId: user.id, apiKeyId: user.apiKeyId ?? null },
      openAiBody,
      { powerLevel: undefined, privacy: parsePrivacyHeader(privacyHeader) ?? privacy },
      { ...context, idempotencyKey: undefined },
      response,
    );
  }
}
