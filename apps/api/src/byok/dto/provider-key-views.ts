import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { providerKeyContext } from '@ops/domain/byok';
import type { DataKeyVault } from '@ops/infra/crypto/data-keys';
import type { ProviderKeyRow } from '@ops/read-models';

export class ProviderKeyView {
  @ApiProperty({ example: 'openai' }) provider!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Null when none was given or it was erased',
  })
  label!: string | null;
  @ApiProperty({ example: 'x9Qz', description: 'The last 4 characters of the key' }) last4!: string;
  @ApiProperty() added_at!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'When the provider last accepted the key',
  })
  validated_at!: string | null;
  @ApiProperty({
    enum: ['valid', 'unverified', 'erased'],
    description:
      '`unverified`: the provider could not be reached to check the key; `erased`: the owner was erased',
  })
  status!: string;
}

export class ProviderKeyAddedView {
  @ApiProperty() provider!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) label!: string | null;
  @ApiProperty() last4!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) validated_at!: string | null;
  @ApiProperty({ enum: ['valid', 'unverified'] }) status!: string;
  @ApiProperty({ description: 'What the live check found' }) detail!: string;
  @ApiProperty({ description: 'True when this answers a retry with the same Idempotency-Key' })
  replayed!: boolean;
}

/** The owner's keys as shown: labels are opened here, so an erased owner's read as erased at once. */
export async function providerKeyViews(
  vault: DataKeyVault,
  userId: string,
  rows: readonly ProviderKeyRow[],
): Promise<ProviderKeyView[]> {
  const erased = rows.length > 0 && (await vault.isErased(userId));
  return Promise.all(
    rows.map(async (row) => ({
      provider: row.provider,
      label:
        erased || row.sealedLabel === null
          ? null
          : await vault.open(row.sealedLabel, providerKeyContext(userId, row.provider, 'label')),
      last4: row.last4,
      added_at: row.addedAt.toISOString(),
      validated_at: row.validatedAt?.toISOString() ?? null,
      status: erased ? 'erased' : row.status,
    })),
  );
}
