import { aggregate } from '../shared/aggregate';
import { SUBJECT_ACCESS_SCHEMA_VERSIONS, subjectAccessDecider, subjectAccessStream } from './subject-access';

/** Whether one person may use the platform (deactivated or not). */
export const subjectAccess = aggregate(
  subjectAccessStream,
  subjectAccessDecider,
  SUBJECT_ACCESS_SCHEMA_VERSIONS,
);
