export { DataKeyVault, SubjectErasedError, type ErasureResult, type RotationResult } from './data-key-vault';
export { DataKeysModule } from './data-keys.module';
export { addLocalKek, KekRing, loadKekKeys, LOCAL_KEK_FILE } from './kek-ring';
export { SubjectDataKeyRow } from './subject-data-key.entity';
