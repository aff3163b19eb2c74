import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  HOST_ID_PATTERN,
  HOST_ID_RULE,
  USER_ID_PATTERN,
  USER_ID_RULE,
  USERNAME_PATTERN,
  USERNAME_RULE,
} from '@ops/domain';
import { IsOptional, Matches } from 'class-validator';
import { IsInstant } from '../events/instant';

export class StateAtQueryDto {
  @ApiPropertyOptional({
    description: "The instant to look at, compared with each event's recorded time (default: now)",
    example: '2026-01-31T12:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  at?: string;
}

export class CreditAccountParamsDto {
  @ApiProperty({ description: 'The account holder’s user id', example: 'alice' })
  @Matches(USER_ID_PATTERN, { message: `user must be ${USER_ID_RULE}` })
  user!: string;
}

export class LocalUserParamsDto {
  @ApiProperty({ example: 'local' })
  @Matches(HOST_ID_PATTERN, { message: `host must be ${HOST_ID_RULE}` })
  host!: string;

  @ApiProperty({ example: 'carol' })
  @Matches(USERNAME_PATTERN, { message: `username must be ${USERNAME_RULE}` })
  username!: string;
}
