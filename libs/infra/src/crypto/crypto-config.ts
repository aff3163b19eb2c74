import { IsOptional, Matches } from 'class-validator';
import { FeatureConfig } from '../config/feature-config';

/**
 * The key rings sealing secrets at rest; without them, rings generated once in DATA_DIR.
 */
export class CryptoConfig extends FeatureConfig {
  /**
   * Keys sealing secrets at rest (password hashes): `id:base64-32-bytes[,id:…]`, the first one current,
   * older ones kept to read what they sealed. Without it a key is generated once in DATA_DIR.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44})*$/, {
    message: 'SECRETS_KEYS must be id:base64key pairs (32-byte keys), comma-separated',
  })
  SECRETS_KEYS?: string;

  /**
   * Key-encryption keys wrapping each subject's data key (BYOK provider keys, personal data):
   * `id:base64-32-bytes[,id:…]`, the newest LAST; older ones stay to unwrap until `npm run keys --
   * rotate-kek` has re-wrapped everything under the newest. Without it a ring is generated in DATA_DIR.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44})*$/, {
    message: 'KEK_KEYS must be id:base64key pairs (32-byte keys), comma-separated, newest last',
  })
  KEK_KEYS?: string;
}
