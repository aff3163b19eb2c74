import type { UsageDimension } from '../dto/usage-query.dto';
import type { UsageRange } from '../usage-range';

export class GetUsageQuery {
  constructor(
    /** Null: every user, each row naming its user. */
    readonly userId: string | null,
    readonly range: UsageRange,
    readonly groupBy: readonly UsageDimension[],
  ) {}
}
