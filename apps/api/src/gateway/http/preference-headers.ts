import {
  applyDecorators,
  BadRequestException,
  createParamDecorator,
  Post,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { isPowerLevel, POWER_LEVELS } from '@ops/domain';
import type { Request } from 'express';
import type { RequestPreferences } from '../completion/gateway-request';
import { ReadModels } from '../../common/read-your-writes/read-models.decorator';
import { RateLimits } from '../limits/rate-limits.interceptor';

const ON = new Set(['on', 'true', '1', 'strict']);
const OFF = new Set(['off', 'false', '0']);

/** `x-privacy-mode`: absent means "as the account says"; anything but on/off is a mistake worth a 400. */
export function parsePrivacyHeader(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const normalized = value.trim().toLowerCase();
  if (ON.has(normalized)) return true;
  if (OFF.has(normalized)) return false;
  throw new BadRequestException('x-privacy-mode must be on or off');
}

export function parsePowerLevelHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const normalized = value.trim().toLowerCase();
  if (!isPowerLevel(normalized)) {
    throw new BadRequestException(`x-power-level must be one of ${POWER_LEVELS.join(', ')}`);
  }
  return normalized;
}

function headerOf(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The caller's choices from `x-power-level` and `x-privacy-mode` (absent: the account's); a bad one is a 400. */
export const PreferenceHeaders = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestPreferences => {
    const request = context.switchToHttp().getRequest<Request>();
    return {
      powerLevel: parsePowerLevelHeader(headerOf(request, 'x-power-level')),
      privacy: parsePrivacyHeader(headerOf(request, 'x-privacy-mode')),
    };
  },
);

/** A route that completes through the gateway pipeline: under the caller's rate limits, taking their choices. */
export const CompletionRoute = (paths: string[]) =>
  applyDecorators(
    Post(paths),
    RateLimits('admit'),
    // The hot path does not wait for the usage and ledger read models, which trail it by milliseconds.
    ReadModels(),
    ApiHeader({ name: 'x-power-level', required: false, description: 'eco | balanced | precision' }),
    ApiHeader({ name: 'x-privacy-mode', required: false, description: 'on: local providers only' }),
  );
