import { BASE_COOLDOWN_MS, HEALTH_WINDOW_MS, type SharedHealthReport } from '@ops/domain';
import type { AppConfig } from '@ops/infra/config/app-config';
import type { CommandBus } from '@nestjs/cqrs';
import type { ProviderEndpoints, UpstreamClient } from '@ops/infra/llm-upstream';
import { Registry } from 'prom-client';
import { ProviderHealthService } from './provider-health.service';
import type { SharedProviderHealth } from './shared-provider-health';

const T0 = 1_800_000_000_000;
const UNMEASURED = { latencyP50Ms: null, latencyP95Ms: null, tokensPerSecond: null };

/** What the other replicas reported, delivered as the log would deliver it. */
class FakeSharedHealth {
  private readonly reports = new Map<string, SharedHealthReport>();
  private readonly listeners: ((provider: string) => void)[] = [];
  onChange(listener: (provider: string) => void): void {
    this.listeners.push(listener);
  }
  forRouting(provider: string): SharedHealthReport | undefined {
    return this.reports.get(provider);
  }
  latest(): undefined {
    return undefined;
  }
  deliver(provider: string, report: SharedHealthReport): void {
    this.reports.set(provider, report);
    this.listeners.forEach((listener) => listener(provider));
  }
}

/** The service on a fixed clock, with only OpenAI usable by the platform and status changes recorded nowhere. */
function healthAt(
  now: { ms: number },
  shared = new FakeSharedHealth(),
  commands = { execute: jest.fn(() => Promise.resolve()) },
): ProviderHealthService {
  jest.spyOn(Date, 'now').mockImplementation(() => now.ms);
  const endpoints = { usableByPlatform: (id: string) => id === 'openai', all: () => [] };
  return new ProviderHealthService(
    endpoints as unknown as ProviderEndpoints,
    {} as UpstreamClient,
    commands as unknown as CommandBus,
    { LLM_HEALTH_PROBE_SECONDS: 0 } as AppConfig,
    new Registry(),
    shared as unknown as SharedProviderHealth,
  );
}

describe('ProviderHealthService.routeStates', () => {
  afterEach(() => jest.restoreAllMocks());

  it('keeps away from a provider another replica found down until its deadline, without echoing the report', () => {
    const now = { ms: T0 };
    const shared = new FakeSharedHealth();
    const commands = { execute: jest.fn(() => Promise.resolve()) };
    const health = healthAt(now, shared, commands);
    const before = health.routeStates();
    expect(before.openai.health).toBe('up');

    shared.deliver('openai', { status: 'down', coolingDownUntil: T0 + BASE_COOLDOWN_MS, reportedAt: T0 });
    expect(health.routeStates().openai).toMatchObject({
      health: 'down',
      retryAt: new Date(T0 + BASE_COOLDOWN_MS).toISOString(),
    });
    // An outcome recorded here while the report holds: still down, and no report of this replica's own.
    now.ms = T0 + 1;
    health.record('openai', { kind: 'server_error', latencyMs: 5 });
    expect(health.routeStates().openai.health).toBe('down');
    expect(commands.execute).not.toHaveBeenCalled();

    now.ms = T0 + BASE_COOLDOWN_MS;
    expect(health.routeStates().openai).toMatchObject({ health: 'up', retryAt: null });
  });

  it('reads a recorded outcome at once and a breaker that cools down at its deadline, though the table is kept between requests', () => {
    const now = { ms: T0 };
    const health = healthAt(now);
    expect(health.routeStates().openai).toEqual({
      available: true,
      health: 'up',
      retryAt: null,
      ...UNMEASURED,
    });
    expect(health.routeStates()).toBe(health.routeStates());

    for (let i = 0; i < 3; i++) health.record('openai', { kind: 'server_error', latencyMs: 5 });
    const tripped = health.routeStates();
    expect(tripped.openai).toMatchObject({
      health: 'down',
      retryAt: new Date(T0 + BASE_COOLDOWN_MS).toISOString(),
    });
    expect(tripped.groq).toEqual({ available: false, health: 'up', retryAt: null, ...UNMEASURED });

    now.ms = T0 + BASE_COOLDOWN_MS - 1;
    expect(health.routeStates()).toBe(tripped);
    // Half-open: no outcome was recorded, only the clock moved.
    now.ms = T0 + BASE_COOLDOWN_MS;
    expect(health.routeStates().openai).toMatchObject({ health: 'degraded', retryAt: null });

    // The trial succeeds: up again, and up still once its sample has left the window.
    health.beforeCall('openai');
    expect(health.routeStates().openai.health).toBe('down');
    health.record('openai', { kind: 'ok', latencyMs: 5 });
    expect(health.routeStates().openai.health).toBe('up');
    now.ms += HEALTH_WINDOW_MS;
    expect(health.routeStates().openai.health).toBe('up');
  });

  it('gives the router the latency percentiles of the window and the median output speed of recent answers', () => {
    const now = { ms: T0 };
    const health = healthAt(now);
    for (const latencyMs of [40, 60, 500]) health.record('groq', { kind: 'ok', latencyMs });
    health.recordAnswer('groq', 900, 1_000);
    health.recordAnswer('groq', 0, 1_000);
    now.ms += 1_000;
    health.recordAnswer('groq', 300, 1_000);
    health.recordAnswer('groq', 600, 1_000);
    expect(health.routeStates().groq).toMatchObject({
      latencyP50Ms: 60,
      latencyP95Ms: 500,
      tokensPerSecond: 600,
    });

    // The first answer's speed leaves the window a second before the others: the kept table notices.
    const kept = health.routeStates();
    now.ms = T0 + HEALTH_WINDOW_MS;
    expect(health.routeStates()).not.toBe(kept);
    expect(health.routeStates().groq).toMatchObject({ latencyP50Ms: null, tokensPerSecond: 300 });
  });

  it('lets the figures of fast successes reach routing within a second, while a failure and a slow answer count at once', () => {
    const now = { ms: T0 };
    const commands = { execute: jest.fn(() => Promise.resolve()) };
    const health = healthAt(now, new FakeSharedHealth(), commands);
    health.record('openai', { kind: 'ok', latencyMs: 40 });
    now.ms += 1_000;
    const kept = health.routeStates();
    expect(kept.openai.latencyP50Ms).toBe(40);

    now.ms += 10;
    health.record('openai', { kind: 'ok', latencyMs: 80 });
    health.recordAnswer('openai', 100, 1_000);
    expect(health.routeStates()).toBe(kept);
    now.ms += 1_000;
    expect(health.routeStates().openai).toMatchObject({ latencyP95Ms: 80, tokensPerSecond: 100 });
    // Nothing a success on an up provider changes is reported to the other replicas.
    expect(commands.execute).not.toHaveBeenCalled();

    const fast = health.routeStates();
    health.record('openai', { kind: 'ok', latencyMs: 60_000 });
    expect(health.routeStates()).not.toBe(fast);
    expect(health.routeStates().openai.latencyP95Ms).toBe(60_000);

    for (let i = 0; i < 3; i++) health.record('openai', { kind: 'server_error', latencyMs: 5 });
    expect(health.routeStates().openai.health).toBe('down');
    expect(commands.execute).toHaveBeenCalled();
  });
});
