/**
 * Health of the hub's dependencies: every probe runs in parallel under one deadline, and the
 * report names each dependency that did not answer in time or answered with an error. A hub still
 * starting (local mode: seeding demo data, connecting the state system) is `starting`, not healthy.
 */
export type DependencyName = 'dynamodb' | 's3' | 'sqs';

export interface Probe {
  readonly name: DependencyName;
  check(signal: AbortSignal): Promise<void>;
}

export interface DependencyStatus {
  readonly status: 'up' | 'down';
  readonly latencyMs: number;
  readonly error?: string;
}

export interface HealthReport {
  readonly status: 'pass' | 'fail' | 'starting';
  readonly checks: Record<string, DependencyStatus>;
  readonly unavailable: readonly DependencyName[];
}

export interface HealthDeps {
  readonly probes: readonly Probe[];
  readonly timeoutMs: number;
  readonly clock?: () => number;
  /** False while the hub is still starting; absent: it is ready once its dependencies answer (AWS). */
  readonly started?: () => Promise<boolean>;
}

export async function checkHealth({ probes, timeoutMs, clock = performance.now.bind(performance), started }: HealthDeps): Promise<HealthReport> {
  if (started && !(await started())) return { status: 'starting', checks: {}, unavailable: [] };
  const results = await Promise.all(
    probes.map(async (probe): Promise<[DependencyName, DependencyStatus]> => {
      const started = clock();
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        await Promise.race([probe.check(signal), rejectOnAbort(signal)]);
        return [probe.name, { status: 'up', latencyMs: Math.round(clock() - started) }];
      } catch (error) {
        const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : describe(error);
        return [probe.name, { status: 'down', latencyMs: Math.round(clock() - started), error: reason }];
      }
    }),
  );
  const unavailable = results.filter(([, s]) => s.status === 'down').map(([name]) => name);
  return {
    status: unavailable.length === 0 ? 'pass' : 'fail',
    checks: Object.fromEntries(results),
    unavailable,
  };
}

/** Settles the race when a probe ignores its signal. */
function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => {
      reject(new Error('aborted'));
    }, { once: true });
  });
}

/** A short, safe description: the error's name and code, never a stack or a credential. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} (${code})` : error.name;
  }
  return 'unknown error';
}
