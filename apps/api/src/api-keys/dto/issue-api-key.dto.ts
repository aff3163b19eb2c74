import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_API_KEY_LIFETIME_DAYS, MAX_API_KEY_NAME_LENGTH } from '@ops/domain/api-keys';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';

export class IssueApiKeyDto {
  @ApiProperty({
    example: 'laptop',
    description: `What the key is for, 1-${MAX_API_KEY_NAME_LENGTH} characters`,
  })
  @IsString()
  @Length(1, MAX_API_KEY_NAME_LENGTH)
  name!: string;

  @ApiPropertyOptional({
    example: '2027-06-30T00:00:00Z',
    description: `When the key stops working: a date-time with its offset, in the future and at most ${MAX_API_KEY_LIFETIME_DAYS} days ahead. Without it the key works until revoked.`,
  })
  @IsOptional()
  @IsString()
  @IsISO8601({ strict: true, strictSeparator: true })
  // An offset is required: a bare local time would mean whatever the server's time zone is.
  @Matches(/T.*(Z|[+-]\d{2}:\d{2})$/, { message: 'expires_at must be a date-time with a time zone offset' })
  expires_at?: string;
}
