import { BadRequestException } from '@nestjs/common';
import { isPowerLevel, POWER_LEVELS } from '@ops/domain';

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
