import { Body, Controller, ForbiddenException, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import { CommandCtx } from '../common/command-context.decorator';
import { creditAccountDecider, creditAccountStream } from '@ops/domain';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { AdjustCreditsCommand } from './commands/adjust-credits.command';
import { SetAccountPlanCommand } from './commands/set-account-plan.command';
import { CreditAccountView, creditAccountView } from './dto/credit-account.view';
import { SetAccountPlanDto } from './dto/set-account-plan.dto';
import { CreditAccountQueryDto, CreditHistoryQueryDto } from './dto/credit-queries.dto';
import {
  CreditBalanceView,
  creditBalanceView,
  CreditHistoryView,
  CreditsGrantedView,
  creditTransactionView,
} from './dto/credit-views.dto';
import { GrantCreditsDto } from './dto/grant-credits.dto';
import { CREDIT_LEDGER_PROJECTION } from '@ops/infra/read-models';
import { CreditLedgerQueries } from '@ops/read-models';
import { pageOf } from '../common/pagination';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

@ApiTags('credits')
@ApiBearerAuth()
@ReadModels(CREDIT_LEDGER_PROJECTION)
@Controller('api/v1/llm/credits')
export class CreditsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly ledger: CreditLedgerQueries,
    private readonly streams: CommandRunner,
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
      new AdjustCreditsCommand('GrantCredits', body.user_id, body.amount_micros, body.reason, context),
    );
  }

  @Post('revoke')
  @Roles('admin')
  @HttpCode(201)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retries with the same key revoke once',
  })
  @ApiCreatedResponse({ type: CreditsGrantedView, description: 'Never more than is available (holds count)' })
  revoke(@Body() body: GrantCreditsDto, @CommandCtx() context: CommandContext): Promise<CreditsGrantedView> {
    return this.commands.execute(
      new AdjustCreditsCommand('RevokeCredits', body.user_id, body.amount_micros, body.reason, context),
    );
  }

  @Put('plan')
  @Roles('admin')
  @ApiOkResponse({ type: CreditAccountView, description: 'Takes effect on the next request' })
  setPlan(
    @Body() body: SetAccountPlanDto,
    @CommandCtx() context: CommandContext,
  ): Promise<CreditAccountView> {
    return this.commands.execute(
      new SetAccountPlanCommand(
        body.user_id,
        body.tier,
        body.monthly_cap_micros,
        body.default_power_level,
        body.privacy_mode,
        context,
      ),
    );
  }

  /** Read from the account's stream, not a projection: holds change by the millisecond. */
  @Get('account')
  @ReadModels()
  @ApiOkResponse({ type: CreditAccountView })
  async account(
    @Query() query: CreditAccountQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CreditAccountView> {
    const userId = accountOf(user, query.user_id);
    const { state } = await this.streams.load(creditAccountStream(userId), creditAccountDecider);
    return creditAccountView(userId, state, new Date());
  }

  @Get()
  @ApiOkResponse({ type: CreditBalanceView })
  async balance(
    @Query() query: CreditAccountQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CreditBalanceView> {
    const userId = accountOf(user, query.user_id);
    return creditBalanceView(userId, await this.ledger.balance(userId));
  }

  @Get('history')
  @ApiOkResponse({ type: CreditHistoryView })
  async history(
    @Query() query: CreditHistoryQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CreditHistoryView> {
    const userId = accountOf(user, query.user_id);
    const page = await this.ledger.history(userId, {
      limit: query.limit ?? 50,
      beforeRevision: query.cursor,
    });
    return { user_id: userId, ...pageOf(page, creditTransactionView) };
  }
}

/** Anyone reads their own account; only admins read someone else's. */
function accountOf(user: AuthenticatedUser, requested: string | undefined): string {
  if (requested === undefined || requested === user.id) return user.id;
  if (!user.roles.includes('admin'))
    throw new ForbiddenException("Only admins may read another user's credits");
  return requested;
}
