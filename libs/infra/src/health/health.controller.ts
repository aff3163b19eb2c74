import { Controller, Get, HttpStatus, Inject, Optional, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth';
import {
  PROJECTOR_STATUS,
  type ProjectionStatus,
  type ProjectorStatusSource,
} from '../projections/projector-status';

interface HealthReport {
  status: 'ok' | 'unavailable';
  database: 'up' | 'down';
  projections?: ProjectionStatus[];
}

/** Projections that are applying events, or waiting for another process that holds them. */
const HEALTHY_STATES = new Set(['running', 'standby']);

/** Ready when the database answers and every projection this process runs is following the log. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: DataSource,
    @Optional() @Inject(PROJECTOR_STATUS) private readonly projector?: ProjectorStatusSource,
  ) {}

  @Public()
  @Get()
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const database = await this.db.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const projections = database === 'up' ? await this.projector?.status() : undefined;
    const healthy =
      database === 'up' && (projections ?? []).every((projection) => HEALTHY_STATES.has(projection.state));
    response.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: healthy ? 'ok' : 'unavailable', database, ...(projections ? { projections } : {}) };
  }
}
