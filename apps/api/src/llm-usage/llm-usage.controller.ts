import { Controller, ForbiddenException, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AcceptsApiKey, CurrentUser, type AuthenticatedUser } from '@ops/infra/auth';
import { UsageQueryDto } from './dto/usage-query.dto';
import { UsageView } from './dto/usage-views.dto';
import { resolveUsageRange } from './usage-range';
import { USAGE_PROJECTION } from '@ops/infra/read-models';
import { UsageQueries } from '@ops/read-models';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

@ApiTags('llm')
@ApiBearerAuth()
@ReadModels(USAGE_PROJECTION)
@Controller('api/v1/llm/usage')
export class LlmUsageController {
  constructor(private readonly usageModel: UsageQueries) {}

  @Get()
  @AcceptsApiKey()
  @ApiOkResponse({ type: UsageView })
  async usage(@Query() query: UsageQueryDto, @CurrentUser() user: AuthenticatedUser): Promise<UsageView> {
    const range = resolveUsageRange(query.from, query.to, new Date());
    const userId = whoseUsage(user, query.user_id);
    const groupBy = query.group_by ?? ['day'];
    const { totals, rows, truncated } = await this.usageModel.summary({ userId, range, groupBy });
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      user_id: userId,
      group_by: [...groupBy],
      totals,
      rows,
      truncated,
    };
  }
}

/**
 * Everyone reads their own usage; admins read anyone's, or everyone's when they name nobody. An API
 * key acts as a plain user, even one an admin owns.
 */
function whoseUsage(user: AuthenticatedUser, requested: string | undefined): string | null {
  const admin = user.roles.includes('admin');
  if (requested === undefined) return admin ? null : user.id;
  if (requested === user.id || admin) return requested;
  throw new ForbiddenException("Only admins may read another user's usage");
}
