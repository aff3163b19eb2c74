import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { FeatureConfig } from '../config/feature-config';

/**
 * The HTTP server: its port, its logs, what a request body may hold and the tokens of the
 * operational endpoints (/metrics, /docs).
 */
export class HttpConfig extends FeatureConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** The deepest nesting of objects and arrays a JSON body may have; deeper bodies are refused with 400. */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(1_000)
  JSON_MAX_DEPTH = 64;

  /**
   * A bearer token GET /metrics then requires. Without it /metrics is open in single-node mode and
   * answers 404 in distributed mode (HOST_COMMAND_TRANSPORT=kafka or AUTH_MODE=keycloak).
   */
  @IsOptional()
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  /** The same for the API docs (/docs, /docs-json, /docs-yaml); Basic auth with it as password works too. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  DOCS_TOKEN?: string;
}
