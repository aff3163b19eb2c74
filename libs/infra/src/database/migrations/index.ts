import { EventStoreSchema1732500000000 } from './1732500000000-event-store';
import { ReadModels1732500000100 } from './1732500000100-read-models';

/** Listed explicitly (no glob) so the same list works from sources and from the build. */
export const MIGRATIONS = [EventStoreSchema1732500000000, ReadModels1732500000100];
