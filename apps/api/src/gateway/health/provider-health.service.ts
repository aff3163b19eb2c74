import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  assessHealth,
  claimTrial,
  EMPTY_HEALTH_WINDOW,
  HEALTH_WINDOW_MS,
  isRoutineOutcome,
  medianThroughput,
  recordOutcome,
  recordThroughput,
  type BreakerState,
  type HealthAssessment,
  type HealthOutcome,
  type HealthWindow,
  PROVIDER_IDS,
  type ProviderId,
  type ProviderRouteState,
  type ThroughputSample,
  type UpstreamAttempt,
  providerHealth,
  withSharedHealth,
} from '@ops/domain';
import { GatewayConfig } from '@ops/infra/config/features/gateway-config';
import { CommandBus } from '@nestjs/cqrs';
import { RunAggregateCommand } from '@ops/infra/event-sourcing/run-aggregate-command';
import { ProviderEndpoints, UpstreamClient, UpstreamError } from '@ops/infra/llm-upstream';
import type { ProviderHealthReport } from '@ops/read-models';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Gauge, Registry } from 'prom-client';
import { SharedProviderHealth } from './shared-provider-health';

export type HealthObservation = Pick<HealthOutcome, 'kind' | 'latencyMs'>;

export interface ProviderHealthView extends HealthAssessment {
  provider: string;
  configured: boolean;
  /** The latest change any replica reported; absent while none has. */
  reported?: ProviderHealthReport;
}

const PROBE_TIMEOUT_MS = 5_000;

/** An assessment, good from `from` until just before `until` (epoch ms) unless the window changes first. */
interface Held<T> {
  readonly value: T;
  readonly from: number;
  readonly until: number;
}

/**
 * How long routing may read an assessment that a routine outcome (see isRoutineOutcome) or an answer's
 * speed has made slightly old: re-assessing every provider after every answer was most of the router's
 * cost per request, and nothing that takes a provider down waits.
 */
const ROUTINE_REFRESH_MS = 1_000;

const holds = (held: Held<unknown> | undefined | null, now: number) =>
  held != null && now >= held.from && now < held.until;

/** The breaker as a number a dashboard can graph and alert on: the higher, the less traffic it lets through. */
const BREAKER_LEVEL: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** How an upstream failure is recorded: the failures that speak about the provider keep their kind. */
export function attemptOutcomeOf(error: UpstreamError): UpstreamAttempt['outcome'] {
  switch (error.kind) {
    case 'rate_limited':
    case 'server_error':
    case 'timeout':
    case 'connection':
      return error.kind;
    default:
      return 'rejected';
  }
}

/**
 * Each provider's health from the traffic this process sends (passive) and from periodic probes of
 * its models endpoint (active), through the pure window and breaker in libs/domain, joined with what
 * the other replicas reported (a breaker one of them opened holds here too). The router reads the
 * status on every request; each change of this replica's own status is recorded as an event.
 */
@Injectable()
export class ProviderHealthService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ProviderHealthService.name);
  private readonly windows = new Map<string, HealthWindow>();
  /** Output tokens per second of recent answers, for `provider.sort: throughput`. */
  private readonly throughput = new Map<string, readonly ThroughputSample[]>();
  /**
   * Assessments kept until their window changes or time alone would change them (a sample leaving
   * the window, a cooldown or a trial running out): the router reads every provider on every request,
   * and re-assessing each one (filtering and sorting its window) each time was most of its cost.
   */
  private readonly assessments = new Map<string, Held<HealthAssessment>>();
  private routeTable: Held<Readonly<Record<ProviderId, ProviderRouteState>>> | null = null;
  /** The status and breaker deadline last reported from here, per provider, so only changes are sent. */
  private readonly reported = new Map<string, string>();
  private probeTimer: NodeJS.Timeout | undefined;
  /** Names this replica in its reports: the host and process, and which of the process's apps. */
  readonly replica = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly endpoints: ProviderEndpoints,
    private readonly client: UpstreamClient,
    private readonly commands: CommandBus,
    private readonly config: GatewayConfig,
    @Inject(Registry) registry: Registry,
    private readonly shared: SharedProviderHealth,
  ) {
    shared.onChange((provider) => {
      this.assessments.delete(provider);
      this.routeTable = null;
    });
    const assess = (provider: string) => this.assess(provider);
    new Gauge({
      name: 'llm_provider_breaker_state',
      help: "Each LLM provider's circuit breaker: 0 closed, 1 half-open (one trial call), 2 open (no traffic)",
      labelNames: ['provider'],
      registers: [registry],
      collect() {
        for (const endpoint of endpoints.all()) {
          const provider = endpoint.provider.id;
          this.set({ provider }, BREAKER_LEVEL[assess(provider).breaker]);
        }
      },
    });
  }

  onModuleInit(): void {
    const seconds = this.config.LLM_HEALTH_PROBE_SECONDS;
    if (seconds > 0) {
      this.probeTimer = setInterval(() => void this.probeAll(), seconds * 1000);
      this.probeTimer.unref();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.probeTimer);
  }

  /**
   * What the router reads on every request: whether the platform can call each provider, its status,
   * and when one that is down gets its next trial call. Built once and kept as long as every
   * provider's assessment holds.
   */
  routeStates(): Readonly<Record<ProviderId, ProviderRouteState>> {
    const now = Date.now();
    if (holds(this.routeTable, now)) return this.routeTable!.value;
    let until = Number.POSITIVE_INFINITY;
    const states = {} as Record<ProviderId, ProviderRouteState>;
    for (const provider of PROVIDER_IDS) {
      const held = this.held(provider, now);
      const speeds = (this.throughput.get(provider) ?? []).filter(
        (sample) => sample.at + HEALTH_WINDOW_MS > now,
      );
      // The table also changes when an answer's speed leaves the window.
      until = Math.min(until, held.until, ...speeds.map((sample) => sample.at + HEALTH_WINDOW_MS));
      const { status, coolingDownUntil, latencyP50Ms, latencyP95Ms } = held.value;
      states[provider] = {
        available: this.endpoints.usableByPlatform(provider),
        health: status,
        retryAt: coolingDownUntil === null ? null : new Date(coolingDownUntil).toISOString(),
        latencyP50Ms,
        latencyP95Ms,
        tokensPerSecond: medianThroughput(speeds, now),
      };
    }
    this.routeTable = { value: Object.freeze(states), from: now, until };
    return this.routeTable.value;
  }

  /**
   * Called just before a provider is called: when its breaker is half-open this call is the one trial,
   * and the provider reads as down to other requests until the trial's outcome is recorded.
   */
  beforeCall(provider: string): void {
    const window = this.windows.get(provider);
    if (!window) return;
    const claimed = claimTrial(window, Date.now());
    // Only a half-open breaker's trial changes the window; every other call leaves the assessments be.
    if (claimed !== window) this.setWindow(provider, claimed);
  }

  record(provider: string, observation: HealthObservation, source: 'traffic' | 'probe' = 'traffic'): void {
    const window = this.windows.get(provider) ?? EMPTY_HEALTH_WINDOW;
    const at = Date.now();
    const outcome = { ...observation, ok: observation.kind === 'ok', at };
    if (isRoutineOutcome(window, outcome, this.held(provider, at).value.status)) {
      // Still up, so nothing to report; the figures routing reads catch up within ROUTINE_REFRESH_MS.
      this.windows.set(provider, recordOutcome(window, outcome));
      this.refreshWithin(provider, at);
      return;
    }
    this.setWindow(provider, recordOutcome(window, outcome));
    this.reportChange(provider, source);
  }

  /** An answer's output speed, from the call to its last token; an answer without output says nothing. */
  recordAnswer(provider: string, outputTokens: number, generationMs: number): void {
    if (outputTokens <= 0 || generationMs <= 0) return;
    const sample = { tokensPerSecond: (outputTokens * 1000) / generationMs, at: Date.now() };
    this.throughput.set(provider, recordThroughput(this.throughput.get(provider) ?? [], sample));
    this.refreshWithin(null, sample.at);
  }

  /** Every provider the gateway knows, configured for the platform or not. */
  snapshot(): ProviderHealthView[] {
    return PROVIDER_IDS.map((provider) => ({
      provider,
      configured: this.endpoints.usableByPlatform(provider),
      // An operator's view is read now, not as routing keeps it between routine outcomes.
      ...this.assessNow(provider, Date.now()).value,
      reported: this.shared.latest(provider),
    }));
  }

  /** Probes every provider the platform can call; users' own keys are never used for probes. */
  async probeAll(): Promise<void> {
    await Promise.all(
      this.endpoints
        .all()
        .filter((endpoint) => this.endpoints.usableByPlatform(endpoint.provider.id))
        .map(async (endpoint) => {
          const started = performance.now();
          try {
            await this.client.listModels({
              provider: endpoint.provider.id,
              wireFormat: endpoint.provider.wireFormat,
              baseUrl: endpoint.baseUrl,
              apiKey: endpoint.platformKey,
              model: '',
              timeoutMs: PROBE_TIMEOUT_MS,
            });
            this.record(
              endpoint.provider.id,
              { kind: 'ok', latencyMs: performance.now() - started },
              'probe',
            );
          } catch (error) {
            const kind = error instanceof UpstreamError ? attemptOutcomeOf(error) : 'connection';
            this.record(endpoint.provider.id, { kind, latencyMs: performance.now() - started }, 'probe');
          }
        }),
    );
  }

  private assess(provider: string): HealthAssessment {
    return this.held(provider, Date.now()).value;
  }

  private held(provider: string, now: number): Held<HealthAssessment> {
    const kept = this.assessments.get(provider);
    if (holds(kept, now)) return kept!;
    const held = { ...this.assessNow(provider, now), from: now };
    this.assessments.set(provider, held);
    return held;
  }

  private assessNow(provider: string, now: number): { value: HealthAssessment; until: number } {
    const window = this.windows.get(provider) ?? EMPTY_HEALTH_WINDOW;
    return withSharedHealth(window, this.shared.forRouting(provider), now);
  }

  /** The route table, and `provider`'s assessment when given, are re-read within ROUTINE_REFRESH_MS. */
  private refreshWithin(provider: string | null, now: number): void {
    const until = now + ROUTINE_REFRESH_MS;
    const kept = provider === null ? undefined : this.assessments.get(provider);
    if (provider !== null && kept && kept.until > until) this.assessments.set(provider, { ...kept, until });
    if (this.routeTable && this.routeTable.until > until) this.routeTable = { ...this.routeTable, until };
  }

  private setWindow(provider: string, window: HealthWindow): void {
    this.windows.set(provider, window);
    this.assessments.delete(provider);
    this.routeTable = null;
  }

  private reportChange(provider: string, source: 'traffic' | 'probe'): void {
    // This replica reports what it saw itself: echoing another's report would name it as the witness.
    const assessment = assessHealth(this.windows.get(provider) ?? EMPTY_HEALTH_WINDOW, Date.now());
    const change = `${assessment.status}@${assessment.coolingDownUntil ?? ''}`;
    if ((this.reported.get(provider) ?? 'up@') === change) return;
    this.reported.set(provider, change);
    this.commands
      .execute(
        new RunAggregateCommand({
          ...providerHealth.stream(provider),
          command: {
            type: 'ReportProviderHealth',
            assessment: {
              provider,
              status: assessment.status,
              errorRate: assessment.errorRate,
              latencyP50Ms: assessment.latencyP50Ms,
              latencyP95Ms: assessment.latencyP95Ms,
              samples: assessment.samples,
              coolingDownUntil:
                assessment.coolingDownUntil === null
                  ? null
                  : new Date(assessment.coolingDownUntil).toISOString(),
              source,
              reportedBy: this.replica,
            },
          },
          context: { actor: 'gateway', correlationId: provider, causationId: null, source: 'api' },
        }),
      )
      .catch((error: unknown) =>
        this.logger.warn({ err: error, provider }, 'Could not record a provider health change'),
      );
  }
}
