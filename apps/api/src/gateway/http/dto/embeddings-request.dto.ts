import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { EmbeddingsInput } from '@ops/infra/llm-upstream';
import { Bounded, type Problem } from './json-bounds';

/** OpenAI's own limit on the items of one embeddings request. */
const MAX_INPUTS = 2048;
/** Token ids of the vocabularies in use stay far below this; anything above is not a token. */
const MAX_TOKEN_ID = 10_000_000;

function tokensProblem(tokens: readonly unknown[]): Problem {
  if (tokens.length === 0) return 'must not be empty';
  const bad = tokens.findIndex(
    (token) => typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token > MAX_TOKEN_ID,
  );
  return bad === -1 ? null : `[${bad}] must be a token id (an integer from 0 to ${MAX_TOKEN_ID})`;
}

/**
 * A string, a list of strings, a list of token ids, or a list of such lists, as OpenAI takes it;
 * never empty, since every provider refuses an empty input and a hold on nothing is meaningless.
 */
export function embeddingsInputProblem(value: unknown): Problem {
  if (typeof value === 'string') return value === '' ? 'must not be empty' : null;
  if (!Array.isArray(value) || value.length === 0) {
    return 'must be a non-empty string, or a non-empty list of strings or of token ids';
  }
  if (value.length > MAX_INPUTS) return `must have at most ${MAX_INPUTS} items`;
  if (typeof value[0] === 'number') return tokensProblem(value);
  for (const [index, item] of value.entries()) {
    if (typeof item === 'string') {
      if (item === '') return `[${index}] must not be empty`;
    } else if (Array.isArray(item)) {
      const problem = tokensProblem(item);
      if (problem) return `[${index}]${problem.startsWith('[') ? '' : ' '}${problem}`;
    } else {
      return `[${index}] must be a string or a list of token ids`;
    }
    if (typeof item !== typeof value[0]) return `[${index}] must be of the same kind as [0]`;
  }
  return null;
}

/** OpenAI's embeddings request, plus `privacy` as on chat completions; unknown fields are refused. */
export class EmbeddingsRequestDto {
  @ApiProperty({ example: 'text-embedding-3-small', description: 'An embedding model id from /models' })
  @IsString()
  @Length(1, 200)
  model!: string;

  @ApiProperty({ example: ['The quick brown fox', 'jumps over the lazy dog'] })
  @Bounded('embeddingsInput', embeddingsInputProblem)
  input!: EmbeddingsInput;

  @ApiPropertyOptional({ description: 'Shorter vectors, on models that support it' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65_536)
  dimensions?: number;

  @ApiPropertyOptional({ enum: ['float', 'base64'], description: 'base64: little-endian float32' })
  @IsOptional()
  @IsIn(['float', 'base64'])
  encoding_format?: 'float' | 'base64';

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 256) user?: string;

  @ApiPropertyOptional({ description: 'Ours: local providers only, fails closed' })
  @IsOptional()
  @IsBoolean()
  privacy?: boolean;
}
