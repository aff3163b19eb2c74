import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { FeatureConfig } from '../config/feature-config';

/**
 * Projections: the projector's batches, and how long a read waits for them to apply a write.
 */
export class ProjectionsConfig extends FeatureConfig {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  PROJECTOR_BATCH_SIZE = 500;

  /**
   * How long a command waits for the read models behind its follow-up reads to apply it, and a read
   * given `x-ops-min-position` for its read models, before answering anyway; 0 answers at once.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  READ_YOUR_WRITES_TIMEOUT_MS = 2_000;
}
