export type ProjectionState = 'starting' | 'standby' | 'running' | 'retrying' | 'stopped';

/** As `/health` and `npm run projector -- status` show it: snake_case, like every JSON the API writes. */
export interface ProjectionStatus {
  name: string;
  state: ProjectionState;
  position: string;
  /** Age of the oldest event not yet applied (at least 1 while there is one); 0 only when caught up. */
  lag_ms: number;
  /** Events it could not apply and passed (`projection_dead_letters` lists them with the error). */
  dead_letters: number;
  last_error?: string;
}

/** What health checks and metrics need from a projector, without depending on the projector app. */
export interface ProjectorStatusSource {
  status(): Promise<ProjectionStatus[]>;
}

export const PROJECTOR_STATUS = Symbol('PROJECTOR_STATUS');
