import { ApiProperty } from '@nestjs/swagger';

export class ErasureView {
  @ApiProperty() subject!: string;
  @ApiProperty({ description: 'When the data key was destroyed (the first erasure)' }) erased_at!: string;
  @ApiProperty({ description: 'True when an earlier request had already erased the subject' })
  already_erased!: boolean;
  @ApiProperty({ description: 'Personal API keys this request revoked (erasure revokes every one)' })
  api_keys_revoked!: number;
}
