import {
  assessHealth,
  assessmentValidUntil,
  BASE_COOLDOWN_MS,
  claimTrial,
  EMPTY_HEALTH_WINDOW,
  HEALTH_WINDOW_MS,
  MAX_COOLDOWN_MS,
  MAX_WINDOW_SAMPLES,
  medianThroughput,
  recordOutcome,
  recordThroughput,
  TRIAL_TIMEOUT_MS,
  type HealthOutcome,
  type HealthWindow,
  type OutcomeKind,
  type SharedHealthReport,
  withSharedHealth,
} from './provider-health';

const T0 = 1_800_000_000_000;
const ok = (at: number, latencyMs = 200): HealthOutcome => ({ ok: true, kind: 'ok', latencyMs, at });
const fail = (at: number, kind: OutcomeKind = 'server_error'): HealthOutcome => ({
  ok: false,
  kind,
  latencyMs: 50,
  at,
});
const record = (outcomes: HealthOutcome[], from: HealthWindow = EMPTY_HEALTH_WINDOW) =>
  outcomes.reduce(recordOutcome, from);

/** Three failures in a row at T0, T0+1, T0+2: the breaker opens at T0+2. */
const tripped = () => record([fail(T0), fail(T0 + 1), fail(T0 + 2)]);

describe('provider health', () => {
  it('starts up, with no samples and no latency to report', () => {
    expect(assessHealth(EMPTY_HEALTH_WINDOW, T0)).toEqual({
      status: 'up',
      breaker: 'closed',
      errorRate: 0,
      latencyP50Ms: null,
      latencyP95Ms: null,
      samples: 0,
      coolingDownUntil: null,
    });
  });

  it('reports the error rate and latency percentiles of the last minute', () => {
    const outcomes = Array.from({ length: 20 }, (_, i) => ok(T0 + i, (i + 1) * 100));
    const health = assessHealth(record([...outcomes, fail(T0 + 20)]), T0 + 30);
    expect(health).toMatchObject({ status: 'up', samples: 21, latencyP50Ms: 1_000, latencyP95Ms: 1_900 });
    expect(health.errorRate).toBeCloseTo(1 / 21);
  });

  it('forgets outcomes older than the window', () => {
    const state = record([fail(T0), fail(T0 + 1), ok(T0 + 2)]);
    expect(assessHealth(state, T0 + HEALTH_WINDOW_MS + 2).samples).toBe(0);
    const later = recordOutcome(state, ok(T0 + HEALTH_WINDOW_MS + 1));
    expect(later.samples).toHaveLength(2);
  });

  it('keeps at most a bounded number of outcomes', () => {
    const busy = record(Array.from({ length: MAX_WINDOW_SAMPLES + 50 }, (_, i) => ok(T0 + i)));
    expect(busy.samples).toHaveLength(MAX_WINDOW_SAMPLES);
    expect(busy.samples[0].at).toBe(T0 + 50);
  });

  it('is degraded when one call in ten fails, with enough samples to say so', () => {
    const outcomes = [...Array.from({ length: 8 }, (_, i) => ok(T0 + i)), fail(T0 + 8), ok(T0 + 9)];
    expect(assessHealth(record(outcomes), T0 + 10).status).toBe('degraded');
    expect(assessHealth(record([ok(T0), fail(T0 + 1)]), T0 + 2).status).toBe('up');
  });

  it('is degraded when the 95th percentile latency is slow, not for one outlier', () => {
    const latencies = (slowCalls: number) =>
      record(Array.from({ length: 20 }, (_, i) => ok(T0 + i, i >= 20 - slowCalls ? 12_000 : 300)));
    expect(assessHealth(latencies(2), T0 + 20)).toMatchObject({ status: 'degraded', latencyP95Ms: 12_000 });
    expect(assessHealth(latencies(1), T0 + 20)).toMatchObject({ status: 'up', latencyP95Ms: 300 });
  });

  it('does not count a request the provider rejected as a failure of the provider', () => {
    const rejected = Array.from({ length: 12 }, (_, i): HealthOutcome => ({
      ok: false,
      kind: 'rejected',
      latencyMs: 80,
      at: T0 + i,
    }));
    const health = assessHealth(record(rejected), T0 + 20);
    expect(health).toMatchObject({ status: 'up', breaker: 'closed', errorRate: 0 });
  });

  it('opens after three retryable failures in a row, down for the base cooldown', () => {
    const twice = record([fail(T0), fail(T0 + 1, 'timeout')]);
    expect(assessHealth(twice, T0 + 2).breaker).toBe('closed');
    const state = recordOutcome(twice, fail(T0 + 2, 'connection'));
    expect(assessHealth(state, T0 + 3)).toMatchObject({
      status: 'down',
      breaker: 'open',
      coolingDownUntil: T0 + 2 + BASE_COOLDOWN_MS,
    });
  });

  it('does not open when a success breaks the run of failures', () => {
    const state = record([fail(T0), fail(T0 + 1), ok(T0 + 2), fail(T0 + 3), fail(T0 + 4)]);
    expect(assessHealth(state, T0 + 5).breaker).toBe('closed');
  });

  it('opens when half the calls fail, even without three in a row', () => {
    const alternating = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0 ? ok(T0 + i) : fail(T0 + i, 'rate_limited'),
    );
    expect(assessHealth(record(alternating), T0 + 10).breaker).toBe('open');
    expect(assessHealth(record(alternating.slice(0, 8)), T0 + 10).breaker).toBe('closed');
  });

  it('ignores late outcomes while open: they neither close it nor extend it', () => {
    const state = record([ok(T0 + 10), fail(T0 + 11)], tripped());
    expect(assessHealth(state, T0 + 12)).toMatchObject({
      breaker: 'open',
      coolingDownUntil: T0 + 2 + BASE_COOLDOWN_MS,
    });
  });

  it('half-opens after the cooldown: one trial, then down until it reports', () => {
    const afterCooldown = T0 + 2 + BASE_COOLDOWN_MS;
    const state = tripped();
    expect(assessHealth(state, afterCooldown)).toMatchObject({
      status: 'degraded',
      breaker: 'half_open',
      coolingDownUntil: null,
    });
    const trying = claimTrial(state, afterCooldown);
    expect(assessHealth(trying, afterCooldown + 1)).toMatchObject({ status: 'down', breaker: 'half_open' });
    expect(assessHealth(trying, afterCooldown + TRIAL_TIMEOUT_MS).status).toBe('degraded');
  });

  it('claims no trial while closed or open', () => {
    expect(claimTrial(EMPTY_HEALTH_WINDOW, T0)).toBe(EMPTY_HEALTH_WINDOW);
    const open = tripped();
    expect(claimTrial(open, T0 + 3)).toBe(open);
  });

  it('closes on a successful trial and starts afresh', () => {
    const afterCooldown = T0 + 2 + BASE_COOLDOWN_MS;
    const closed = recordOutcome(claimTrial(tripped(), afterCooldown), ok(afterCooldown + 500));
    expect(assessHealth(closed, afterCooldown + 501)).toMatchObject({
      status: 'up',
      breaker: 'closed',
      samples: 1,
    });
    // A fresh run of three is needed to open it again, at the base cooldown.
    const again = record(
      [fail(afterCooldown + 600), fail(afterCooldown + 601), fail(afterCooldown + 602)],
      closed,
    );
    expect(assessHealth(again, afterCooldown + 603).coolingDownUntil).toBe(
      afterCooldown + 602 + BASE_COOLDOWN_MS,
    );
  });

  it('reopens on a failed trial for twice as long, up to the cap', () => {
    let state = tripped();
    let openUntil = T0 + 2 + BASE_COOLDOWN_MS;
    const cooldowns: number[] = [];
    for (let trip = 0; trip < 6; trip++) {
      state = recordOutcome(claimTrial(state, openUntil), fail(openUntil + 10));
      const health = assessHealth(state, openUntil + 11);
      expect(health.breaker).toBe('open');
      cooldowns.push((health.coolingDownUntil ?? 0) - (openUntil + 10));
      openUntil = health.coolingDownUntil ?? 0;
    }
    expect(cooldowns).toEqual([60_000, 120_000, 240_000, MAX_COOLDOWN_MS, MAX_COOLDOWN_MS, MAX_COOLDOWN_MS]);
  });

  it('treats a probe like any call: a failed probe keeps it open, a good one closes it', () => {
    const afterCooldown = T0 + 2 + BASE_COOLDOWN_MS;
    const probeFailed = recordOutcome(tripped(), fail(afterCooldown, 'connection'));
    expect(assessHealth(probeFailed, afterCooldown + 1).breaker).toBe('open');
    const probeOk = recordOutcome(tripped(), ok(afterCooldown, 90));
    expect(assessHealth(probeOk, afterCooldown + 1)).toMatchObject({ status: 'up', latencyP50Ms: 90 });
  });

  it('is plain data that survives JSON', () => {
    const state = tripped();
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  describe('how long an assessment holds', () => {
    /** The assessment at `now`, at instants up to just before `until`, and at `until`. */
    const holdsUntil = (state: HealthWindow, now: number, until: number) => {
      const steps = [now, now + 1, (now + until) / 2, until - 1].map((at) => assessHealth(state, at));
      for (const step of steps) expect(step).toEqual(steps[0]);
      expect(assessHealth(state, until)).not.toEqual(steps[0]);
    };

    it('holds until the oldest sample leaves the window', () => {
      const state = record([ok(T0), ok(T0 + 5), fail(T0 + 9)]);
      expect(assessmentValidUntil(state, T0 + 10)).toBe(T0 + HEALTH_WINDOW_MS);
      holdsUntil(state, T0 + 10, T0 + HEALTH_WINDOW_MS);
      expect(assessmentValidUntil(state, T0 + HEALTH_WINDOW_MS)).toBe(T0 + 5 + HEALTH_WINDOW_MS);
    });

    it('holds an open breaker until its cooldown ends, then the half-open one until a sample leaves', () => {
      const state = tripped();
      const openUntil = T0 + 2 + BASE_COOLDOWN_MS;
      expect(assessmentValidUntil(state, T0 + 3)).toBe(openUntil);
      holdsUntil(state, T0 + 3, openUntil);
      expect(assessmentValidUntil(state, openUntil)).toBe(T0 + HEALTH_WINDOW_MS);
    });

    it('holds a half-open breaker with its trial in flight until the trial times out', () => {
      const claimedAt = T0 + 2 + BASE_COOLDOWN_MS;
      const state = { ...claimTrial(tripped(), claimedAt), samples: [] };
      expect(assessmentValidUntil(state, claimedAt + 1)).toBe(claimedAt + TRIAL_TIMEOUT_MS);
      holdsUntil(state, claimedAt + 1, claimedAt + TRIAL_TIMEOUT_MS);
    });

    it('holds for ever when nothing in the window can change with time', () => {
      expect(assessmentValidUntil(EMPTY_HEALTH_WINDOW, T0)).toBe(Number.POSITIVE_INFINITY);
    });
  });
});

describe('throughput', () => {
  it('is the median output speed of the answers of the window, and unknown before any', () => {
    let samples = recordThroughput([], { tokensPerSecond: 50, at: 1_000 });
    samples = recordThroughput(samples, { tokensPerSecond: 200, at: 2_000 });
    samples = recordThroughput(samples, { tokensPerSecond: 30, at: 3_000 });
    expect(medianThroughput([], 3_000)).toBeNull();
    expect(medianThroughput(samples, 3_000)).toBe(50);
    // The first two leave the window: only the last answer speaks.
    expect(medianThroughput(samples, 2_000 + HEALTH_WINDOW_MS)).toBe(30);
    expect(recordThroughput(samples, { tokensPerSecond: 10, at: 1_000 + HEALTH_WINDOW_MS })).toHaveLength(3);
    expect(recordThroughput(samples, { tokensPerSecond: 10, at: 2_000 + HEALTH_WINDOW_MS })).toHaveLength(2);
  });

  describe('with the health other replicas reported', () => {
    /** Another replica opened the breaker at T0 + 2 for the base cooldown. */
    const downElsewhere: SharedHealthReport = {
      status: 'down',
      coolingDownUntil: T0 + 2 + BASE_COOLDOWN_MS,
      reportedAt: T0 + 2,
    };

    it('keeps away from a provider another replica found down until its deadline, with no failure here', () => {
      const shared = withSharedHealth(EMPTY_HEALTH_WINDOW, downElsewhere, T0 + 10);
      expect(shared.value).toMatchObject({
        status: 'down',
        breaker: 'open',
        coolingDownUntil: T0 + 2 + BASE_COOLDOWN_MS,
      });
      expect(shared.until).toBe(T0 + 2 + BASE_COOLDOWN_MS);
      expect(
        withSharedHealth(EMPTY_HEALTH_WINDOW, downElsewhere, T0 + 2 + BASE_COOLDOWN_MS).value,
      ).toMatchObject({ status: 'up', breaker: 'closed', coolingDownUntil: null });
    });

    it("lets this replica's own answer from the provider after the report outweigh it", () => {
      const answered = record([ok(T0 + 5)]);
      expect(withSharedHealth(answered, downElsewhere, T0 + 10).value.status).toBe('up');
      const answeredBefore = record([ok(T0 + 1)]);
      expect(withSharedHealth(answeredBefore, downElsewhere, T0 + 10).value.status).toBe('down');
    });

    it("keeps this replica's own open breaker and its own deadline", () => {
      const own = tripped();
      const later = { ...downElsewhere, coolingDownUntil: T0 + 2 + MAX_COOLDOWN_MS };
      expect(withSharedHealth(own, later, T0 + 10).value).toEqual(assessHealth(own, T0 + 10));
    });

    it('takes only an open breaker from a report: a degraded or recovered provider is judged here', () => {
      for (const status of ['up', 'degraded'] as const) {
        const report = { status, coolingDownUntil: null, reportedAt: T0 };
        expect(withSharedHealth(EMPTY_HEALTH_WINDOW, report, T0 + 10).value.status).toBe('up');
      }
      expect(withSharedHealth(EMPTY_HEALTH_WINDOW, undefined, T0).value.status).toBe('up');
    });
  });
});
