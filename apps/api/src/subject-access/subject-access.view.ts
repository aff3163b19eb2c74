import { ApiProperty } from '@nestjs/swagger';

export class SubjectAccessView {
  @ApiProperty() subject!: string;
  @ApiProperty({ description: 'Whether the person may authenticate now' }) active!: boolean;
  @ApiProperty({ description: 'Personal API keys this request revoked (reactivation restores none)' })
  api_keys_revoked!: number;
}
