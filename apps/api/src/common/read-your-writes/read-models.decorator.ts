import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { MIN_POSITION_HEADER, POSITION_HEADER, READ_MODELS_HEADER } from './position-headers';

export const READ_MODELS = Symbol('read-models');

/**
 * The read models (projection names) behind a controller's or a route's reads. A command answers once
 * they have applied what it appended, so its caller's next read finds its write; a read given
 * `x-ops-min-position` waits for them. Name none for routes that read the log itself.
 */
export function ReadModels(...projections: string[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(READ_MODELS, projections),
    ApiHeader({
      name: MIN_POSITION_HEADER,
      required: false,
      description: `Reads: answer only once the read models have applied this log position (an ${POSITION_HEADER} value)`,
    }),
    ApiResponse({
      status: '2XX',
      description: 'Success',
      headers: {
        [POSITION_HEADER]: {
          description: 'Commands: the log position this command committed (also `position` in a JSON body)',
          schema: { type: 'string', example: '00000000000000000812:00000000000000001234' },
        },
        [READ_MODELS_HEADER]: {
          description:
            'Whether the read models behind this route had applied the position when it answered (`fresh`) or the bounded wait ran out (`stale`)',
          schema: { type: 'string', enum: ['fresh', 'stale'] },
        },
      },
    }),
  );
}
