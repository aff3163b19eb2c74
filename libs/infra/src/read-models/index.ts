import { SubjectDataKeyRow } from '../crypto/data-keys/subject-data-key.entity';
import { LagoDeliveryRow } from './lago-delivery.entity';
import { LagoParkedEventRow } from './lago-parked-event.entity';
import { LagoSubscriptionRow } from './lago-subscription.entity';
import { ProjectionCheckpointRow } from './projection-checkpoint.entity';

export { LagoDeliveryRow, LagoParkedEventRow, LagoSubscriptionRow, ProjectionCheckpointRow };
export type { LagoDeliveryKind, LagoDeliveryStatus } from './lago-delivery.entity';

/**
 * The tables the platform itself maps (checkpoints, data keys, Lago deliveries). The read models'
 * own tables live in their slices (libs/read-models) and join through TypeOrmModule.forFeature.
 */
export const PLATFORM_TABLES = [
  ProjectionCheckpointRow,
  SubjectDataKeyRow,
  LagoSubscriptionRow,
  LagoDeliveryRow,
  LagoParkedEventRow,
];
export * from './projection-names';
