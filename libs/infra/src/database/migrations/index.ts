import { EventStoreSchema1732500000000 } from './1732500000000-event-store';
import { ReadModels1732500000100 } from './1732500000100-read-models';
import { LocalUsers1732500000200 } from './1732500000200-local-users';

/** Listed explicitly (no glob) so the same list works from sources and from the build. */
export const MIGRATIONS = [EventStoreSchema1732500000000, ReadModels1732500000100, LocalUsers1732500000200];
