import { Transform } from 'class-transformer';
import { IsString } from 'class-validator';
import { resolve } from 'node:path';
import { FeatureConfig } from '../config/feature-config';

/** The node's own folder, which the database, the secrets and the host sandbox of a single node live in. */
export class NodeConfig extends FeatureConfig {
  /** Folder for everything the single-node instance keeps: embedded Postgres, the JWT secret, the host sandbox. */
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  DATA_DIR = resolve('.data');
}
