import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { FeatureConfig } from '../config/feature-config';
import { IsUrlOf } from '../config/setting-rules';

/**
 * The read-model database: an external PostgreSQL, or the embedded cluster and its port.
 */
export class DatabaseConfig extends FeatureConfig {
  /** External PostgreSQL; without it an embedded cluster runs under DATA_DIR. */
  @IsOptional()
  @IsUrlOf('postgres', 'postgresql')
  DATABASE_URL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_POSTGRES_PORT = 54329;

  /**
   * Connections of the read-model pool. Each projection worker keeps one for as long as it holds its
   * lock (a dozen in single-node mode), so the API and the batches need room beyond those.
   */
  @Type(() => Number)
  @IsInt()
  @Min(4)
  @Max(500)
  DATABASE_POOL_SIZE = 40;
}
