import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class StreamParamDto {
  @ApiProperty({ description: 'Stream name, URL-encoded (`/` as `%2F`)', example: 'credit-account-bob' })
  @IsString()
  @Length(1, 500)
  stream!: string;
}
