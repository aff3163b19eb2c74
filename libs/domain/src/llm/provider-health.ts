import type { UpstreamAttempt } from '../llm-requests/llm-request.events';
import type { ProviderHealthStatus } from './router';

/*
 * Passive health from the outcomes of real calls (and of probes, recorded the same way), with a circuit
 * breaker: closed → open (cooling down, no traffic) → half-open (one trial) → closed on a success, or
 * open again for twice as long on a failure. Plain data in, plain data out; the caller keeps one window
 * per provider and passes the clock in.
 */

/** Long enough to see a pattern at modest traffic, short enough that an old incident does not linger. */
export const HEALTH_WINDOW_MS = 60_000;
/** Bounds the memory of a busy provider's window; the most recent outcomes are the ones that matter. */
export const MAX_WINDOW_SAMPLES = 200;
/** Three failures in a row with nothing succeeding in between is an outage, not bad luck. */
export const CONSECUTIVE_FAILURES_TO_TRIP = 3;
/** Below this many outcomes a rate says little: two failures out of three are not "67 % down". */
export const MIN_SAMPLES_FOR_RATE = 10;
/** Half the calls failing costs every user a retry: stop sending traffic. */
export const TRIP_ERROR_RATE = 0.5;
/** One call in ten failing still serves most requests, but a healthy provider should go first. */
export const DEGRADED_ERROR_RATE = 0.1;
/** Time to first token this slow is felt by users; callers record latency to the first byte. */
export const DEGRADED_P95_MS = 10_000;
/** Long enough for a transient overload to clear; doubling up to the cap spares a provider that stays down. */
export const BASE_COOLDOWN_MS = 30_000;
export const MAX_COOLDOWN_MS = 5 * 60_000;
/** A trial whose outcome never arrives (the process died mid-call) must not block the provider forever. */
export const TRIAL_TIMEOUT_MS = 60_000;

export type OutcomeKind = UpstreamAttempt['outcome'];

/**
 * Failures that say something about the provider. `rejected` (a 4xx about the request itself) proves
 * the provider is up and answering.
 */
const PROVIDER_FAILURES: ReadonlySet<OutcomeKind> = new Set([
  'rate_limited',
  'server_error',
  'timeout',
  'connection',
]);

export interface HealthOutcome {
  readonly ok: boolean;
  readonly kind: OutcomeKind;
  readonly latencyMs: number;
  /** Epoch milliseconds when the outcome was known. */
  readonly at: number;
}

export interface HealthWindow {
  readonly samples: readonly HealthOutcome[];
  readonly consecutiveFailures: number;
  /** Trips since the breaker last closed: each one doubles the cooldown. */
  readonly trips: number;
  /** While set the breaker is open until then, and half-open after. */
  readonly openUntil: number | null;
  readonly trialStartedAt: number | null;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface HealthAssessment {
  readonly status: ProviderHealthStatus;
  readonly breaker: BreakerState;
  readonly errorRate: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly samples: number;
  readonly coolingDownUntil: number | null;
}

export const EMPTY_HEALTH_WINDOW: HealthWindow = {
  samples: [],
  consecutiveFailures: 0,
  trips: 0,
  openUntil: null,
  trialStartedAt: null,
};

export function isProviderFailure(outcome: Pick<HealthOutcome, 'ok' | 'kind'>): boolean {
  return !outcome.ok && PROVIDER_FAILURES.has(outcome.kind);
}

export function recordOutcome(state: HealthWindow, outcome: HealthOutcome): HealthWindow {
  const samples = [...state.samples, outcome]
    .filter((sample) => sample.at > outcome.at - HEALTH_WINDOW_MS)
    .slice(-MAX_WINDOW_SAMPLES);
  const failed = isProviderFailure(outcome);
  const consecutiveFailures = failed ? state.consecutiveFailures + 1 : 0;

  switch (breakerAt(state, outcome.at)) {
    case 'open':
      // A call started before the trip finishing late: it neither shortens nor extends the cooldown.
      return { ...state, samples, consecutiveFailures };
    case 'half_open':
      return failed ? trip(state, samples, outcome.at) : close(outcome);
    case 'closed':
      return failed && shouldTrip(samples, consecutiveFailures)
        ? trip(state, samples, outcome.at)
        : { ...state, samples, consecutiveFailures };
  }
}

/**
 * Whether recording `outcome` may wait before routing sees it: a success faster than the degraded
 * threshold, with the breaker closed and the provider up, can neither take the provider down nor
 * open the breaker; it only moves the error rate and the latency figures a little.
 */
export function isRoutineOutcome(
  state: HealthWindow,
  outcome: HealthOutcome,
  status: ProviderHealthStatus,
): boolean {
  return (
    outcome.ok &&
    outcome.latencyMs < DEGRADED_P95_MS &&
    status === 'up' &&
    breakerAt(state, outcome.at) === 'closed'
  );
}

/** Marks the half-open trial as sent, so concurrent requests keep away until its outcome is recorded. */
export function claimTrial(state: HealthWindow, now: number): HealthWindow {
  return breakerAt(state, now) === 'half_open' ? { ...state, trialStartedAt: now } : state;
}

export function assessHealth(state: HealthWindow, now: number): HealthAssessment {
  const recent = state.samples.filter((sample) => sample.at > now - HEALTH_WINDOW_MS);
  const errorRate = failureRate(recent);
  const latencies = recent
    .filter((sample) => !isProviderFailure(sample))
    .map((sample) => sample.latencyMs)
    .sort((a, b) => a - b);
  const latencyP50Ms = percentile(latencies, 0.5);
  const latencyP95Ms = percentile(latencies, 0.95);
  const breaker = breakerAt(state, now);
  return {
    status: statusOf(state, breaker, now, recent.length, errorRate, latencyP95Ms),
    breaker,
    errorRate,
    latencyP50Ms,
    latencyP95Ms,
    samples: recent.length,
    coolingDownUntil: breaker === 'open' ? state.openUntil : null,
  };
}

/**
 * Until when (epoch ms, exclusive) `assessHealth(state, t)` stays what it is at `now`, with no new
 * outcome: the next instant a sample leaves the window, the breaker's cooldown ends or a half-open
 * trial times out. A caller that keeps the assessment until then, and drops it whenever the window
 * changes, reads the same health as one that assesses on every request.
 */
export function assessmentValidUntil(state: HealthWindow, now: number): number {
  let until = Number.POSITIVE_INFINITY;
  for (const sample of state.samples) {
    const leaves = sample.at + HEALTH_WINDOW_MS;
    if (leaves > now && leaves < until) until = leaves;
  }
  if (state.openUntil !== null && now < state.openUntil) until = Math.min(until, state.openUntil);
  if (state.trialStartedAt !== null) {
    const trialTimesOut = state.trialStartedAt + TRIAL_TIMEOUT_MS;
    if (now < trialTimesOut) until = Math.min(until, trialTimesOut);
  }
  return until;
}

function statusOf(
  state: HealthWindow,
  breaker: BreakerState,
  now: number,
  samples: number,
  errorRate: number,
  latencyP95Ms: number | null,
): ProviderHealthStatus {
  if (breaker === 'open') return 'down';
  if (breaker === 'half_open') {
    const trialInFlight = state.trialStartedAt !== null && now - state.trialStartedAt < TRIAL_TIMEOUT_MS;
    return trialInFlight ? 'down' : 'degraded';
  }
  const failing = samples >= MIN_SAMPLES_FOR_RATE && errorRate >= DEGRADED_ERROR_RATE;
  const slow = latencyP95Ms !== null && latencyP95Ms >= DEGRADED_P95_MS;
  return failing || slow ? 'degraded' : 'up';
}

function breakerAt(state: HealthWindow, at: number): BreakerState {
  if (state.openUntil === null) return 'closed';
  return at < state.openUntil ? 'open' : 'half_open';
}

function shouldTrip(samples: readonly HealthOutcome[], consecutiveFailures: number): boolean {
  if (consecutiveFailures >= CONSECUTIVE_FAILURES_TO_TRIP) return true;
  return samples.length >= MIN_SAMPLES_FOR_RATE && failureRate(samples) >= TRIP_ERROR_RATE;
}

function trip(state: HealthWindow, samples: readonly HealthOutcome[], at: number): HealthWindow {
  const trips = state.trips + 1;
  const cooldown = Math.min(BASE_COOLDOWN_MS * 2 ** (trips - 1), MAX_COOLDOWN_MS);
  return { samples, consecutiveFailures: 0, trips, openUntil: at + cooldown, trialStartedAt: null };
}

/** The trial answered: start afresh, so the failures that opened the breaker cannot trip it again at once. */
function close(outcome: HealthOutcome): HealthWindow {
  return { ...EMPTY_HEALTH_WINDOW, samples: [outcome] };
}

function failureRate(samples: readonly HealthOutcome[]): number {
  if (samples.length === 0) return 0;
  return samples.filter(isProviderFailure).length / samples.length;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)];
}

/** One answer's output speed: output tokens over the time from the call to the last token. */
export interface ThroughputSample {
  readonly tokensPerSecond: number;
  /** Epoch milliseconds when the answer ended. */
  readonly at: number;
}

/** Keeps the answers of the health window, the most recent MAX_WINDOW_SAMPLES at most. */
export function recordThroughput(
  samples: readonly ThroughputSample[],
  sample: ThroughputSample,
): ThroughputSample[] {
  return [...samples, sample]
    .filter((kept) => kept.at > sample.at - HEALTH_WINDOW_MS)
    .slice(-MAX_WINDOW_SAMPLES);
}

/** The median output speed of the window at `now`; null before any answer was measured. */
export function medianThroughput(samples: readonly ThroughputSample[], now: number): number | null {
  const speeds = samples
    .filter((sample) => sample.at > now - HEALTH_WINDOW_MS)
    .map((sample) => sample.tokensPerSecond)
    .sort((a, b) => a - b);
  return percentile(speeds, 0.5);
}

/** The latest health another replica reported for a provider (or this one did, as the log returns it). */
export interface SharedHealthReport {
  readonly status: ProviderHealthStatus;
  /** Epoch milliseconds: the deadline of the breaker the reporter opened; null when none is open. */
  readonly coolingDownUntil: number | null;
  /** Epoch milliseconds when it was reported. */
  readonly reportedAt: number;
}

/**
 * This replica's assessment, with a breaker another replica opened held here too until its deadline,
 * so that each replica need not fail on an outage before it keeps away. What this replica saw itself
 * still counts: its own open breaker stands, and an answer from the provider after the report (a
 * probe, say) outweighs the report. `until` is when the result may change with no new outcome or report.
 */
export function withSharedHealth(
  window: HealthWindow,
  shared: SharedHealthReport | undefined,
  now: number,
): { readonly value: HealthAssessment; readonly until: number } {
  const own = assessHealth(window, now);
  const until = assessmentValidUntil(window, now);
  const deadline = shared?.coolingDownUntil ?? null;
  if (shared?.status !== 'down' || deadline === null || now >= deadline || own.breaker === 'open') {
    return { value: own, until };
  }
  const answeredSince = window.samples.some(
    (sample) => sample.at > shared.reportedAt && !isProviderFailure(sample),
  );
  if (answeredSince) return { value: own, until };
  return {
    value: { ...own, status: 'down', breaker: 'open', coolingDownUntil: deadline },
    until: Math.min(until, deadline),
  };
}
