import { ApiPropertyOptional } from '@nestjs/swagger';
import { PROVIDER_IDS, PROVIDER_SORTS, type ProviderSort } from '@ops/domain';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { Bounded, stringProblem, type Problem } from './json-bounds';

/** Enough for a fallback or two per provider family; each one is a possible upstream attempt. */
export const MAX_FALLBACK_MODELS = 4;

/**
 * A list of distinct entries, each checked by `entryProblem`; the entry at fault is named by its index.
 * Empty is allowed: OpenRouter clients send `only: []` and the like for "no preference".
 */
function distinctListProblem(
  value: unknown,
  max: number,
  entryProblem: (entry: unknown) => Problem,
): Problem {
  if (!Array.isArray(value)) return 'must be an array';
  if (value.length > max) return `must list at most ${max} entries`;
  for (const [index, entry] of value.entries()) {
    const problem = entryProblem(entry);
    if (problem) return `[${index}] ${problem}`;
    if (value.indexOf(entry) !== index) return `[${index}] repeats '${String(entry)}'`;
  }
  return null;
}

/** Model names only: whether the catalog serves them is checked against it (RoutingControlsPipe). */
export function modelListProblem(value: unknown): Problem {
  return distinctListProblem(value, MAX_FALLBACK_MODELS, (entry) => stringProblem(entry, 1, 200));
}

export function providerListProblem(value: unknown): Problem {
  return distinctListProblem(value, PROVIDER_IDS.length, (entry) =>
    typeof entry === 'string' && (PROVIDER_IDS as readonly string[]).includes(entry)
      ? null
      : `'${String(entry)}' is not a provider (one of ${PROVIDER_IDS.join(', ')})`,
  );
}

/**
 * OpenRouter's `provider` object, the fields this gateway honours. The others (data_collection,
 * quantizations, max_price…) are refused rather than ignored: a client relying on one must know.
 */
export class ProviderPreferencesDto {
  @ApiPropertyOptional({ example: ['groq', 'together'], description: 'Providers tried first, in this order' })
  @IsOptional()
  @Bounded('providerOrder', providerListProblem)
  order?: string[];

  @ApiPropertyOptional({ example: ['groq'], description: 'The only providers the request may go to' })
  @IsOptional()
  @Bounded('providerOnly', providerListProblem)
  only?: string[];

  @ApiPropertyOptional({ example: ['openrouter'], description: 'Providers the request must not go to' })
  @IsOptional()
  @Bounded('providerIgnore', providerListProblem)
  ignore?: string[];

  @ApiPropertyOptional({ description: 'false: no provider beyond `order` (or the first) is tried' })
  @IsOptional()
  @IsBoolean()
  allow_fallbacks?: boolean;

  @ApiPropertyOptional({ enum: PROVIDER_SORTS })
  @IsOptional()
  @IsIn(PROVIDER_SORTS, { message: `sort must be one of ${PROVIDER_SORTS.join(', ')}` })
  sort?: ProviderSort;
}
