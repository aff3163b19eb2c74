import { Body, Controller, ForbiddenException, Get, HttpCode, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import { CommandCtx } from '../common/command-context.decorator';
import { GrantCreditsCommand } from './commands/grant-credits.command';
import { CreditAccountQueryDto, CreditHistoryQueryDto } from './dto/credit-queries.dto';
import { CreditBalanceView, CreditHistoryView, CreditsGrantedView } from './dto/credit-views.dto';
import { GrantCreditsDto } from './dto/grant-credits.dto';
import { GetCreditBalanceQuery } from './queries/get-credit-balance.query';
import { GetCreditHistoryQuery } from './queries/get-credit-history.query';

@ApiTags('credits')
@ApiBearerAuth()
@Controller('api/v1/llm/credits')
export class CreditsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('grant')
  @Roles('admin')
  @HttpCode(201)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retries with the same key grant once',
  })
  @ApiCreatedResponse({ type: CreditsGrantedView })
  grant(@Body() body: GrantCreditsDto, @CommandCtx() context: CommandContext): Promise<CreditsGrantedView> {
    return this.commands.execute(
      new GrantCreditsCommand(body.user_id, body.amount_micros, body.reason, context),
    );
  }

  @Get()
  @ApiOkResponse({ type: CreditBalanceView })
  balance(
    @Query() query: CreditAccountQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CreditBalanceView> {
    return this.queries.execute(new GetCreditBalanceQuery(accountOf(user, query.user_id)));
  }

  @Get('history')
  @ApiOkResponse({ type: CreditHistoryView })
  history(
    @Query() query: CreditHistoryQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CreditHistoryView> {
    return this.queries.execute(
      new GetCreditHistoryQuery(accountOf(user, query.user_id), query.limit ?? 50, query.cursor),
    );
  }
}

/** Anyone reads their own account; only admins read someone else's. */
function accountOf(user: AuthenticatedUser, requested: string | undefined): string {
  if (requested === undefined || requested === user.id) return user.id;
  if (!user.roles.includes('admin'))
    throw new ForbiddenException("Only admins may read another user's credits");
  return requested;
}
