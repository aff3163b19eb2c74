import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { creditAccountDecider, creditAccountStream, localUserDecider, localUserStream } from '@ops/domain';
import { Roles } from '@ops/infra/auth';
import { EVENT_STORE, type EventStore } from '@ops/infra/event-store/event-store';
import { creditAccountStateView } from './credit-account-state.view';
import { localUserStateView } from './local-user-state.view';
import { CreditAccountParamsDto, LocalUserParamsDto, StateAtQueryDto } from './state-at.dto';
import { stateAt, type StateAt } from './state-at';
import { CreditAccountStateAtView, LocalUserStateAtView } from './state-at.view';
import { ReadModels } from '../../common/read-your-writes/read-models.decorator';

export interface StateAtView<State> {
  stream: string;
  at: string;
  /** Revision, position and recorded time of the last event folded. */
  revision: string;
  position: string;
  recorded_at: string;
  state: State;
}

/** "What was the state then": a stream folded up to an instant, from the log alone (no read model). */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin', 'auditor')
@ReadModels()
@Controller('api/v1/audit')
export class AuditStateController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('credit-accounts/:user/state')
  @ApiOkResponse({
    type: CreditAccountStateAtView,
    description: 'Balance, reservations, spend per month and plan as of `at`',
  })
  async creditAccount(
    @Param() { user }: CreditAccountParamsDto,
    @Query() query: StateAtQueryDto,
  ): Promise<CreditAccountStateAtView> {
    const stream = creditAccountStream(user);
    const at = instantOf(query);
    const found = await stateAt(this.store, stream, at, creditAccountDecider);
    return view(stream, at, found, creditAccountStateView);
  }

  @Get('local-users/:host/:username/state')
  @ApiOkResponse({
    type: LocalUserStateAtView,
    description: 'The account as its events describe it as of `at`',
  })
  async localUser(
    @Param() { host, username }: LocalUserParamsDto,
    @Query() query: StateAtQueryDto,
  ): Promise<LocalUserStateAtView> {
    const stream = localUserStream(host, username);
    const at = instantOf(query);
    const found = await stateAt(this.store, stream, at, localUserDecider);
    return view(stream, at, found, localUserStateView);
  }
}

function instantOf(query: StateAtQueryDto): Date {
  return query.at === undefined ? new Date() : new Date(query.at);
}

function view<State, View>(
  stream: string,
  at: Date,
  found: StateAt<State> | null,
  toView: (state: State) => View,
): StateAtView<View> {
  if (!found) throw new NotFoundException(`${stream} had no event at ${at.toISOString()}`);
  return {
    stream,
    at: at.toISOString(),
    revision: found.last.revision.toString(),
    position: found.last.position,
    recorded_at: found.last.recordedAt.toISOString(),
    state: toView(found.state),
  };
}
