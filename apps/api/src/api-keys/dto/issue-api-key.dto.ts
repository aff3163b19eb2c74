import { ApiProperty } from '@nestjs/swagger';
import { MAX_API_KEY_NAME_LENGTH } from '@ops/domain/api-keys';
import { IsString, Length } from 'class-validator';

export class IssueApiKeyDto {
  @ApiProperty({
    example: 'laptop',
    description: `What the key is for, 1-${MAX_API_KEY_NAME_LENGTH} characters`,
  })
  @IsString()
  @Length(1, MAX_API_KEY_NAME_LENGTH)
  name!: string;
}
