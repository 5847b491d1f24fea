// Retry delays of saga steps and compensations: exponential with full jitter (AWS Architecture Blog, "Exponential
// Backoff And Jitter"), so that compensations failing together against a partner that was down do not all come back
// in the same instant when it returns.

export interface BackoffSettings {
  retryBaseMs: number;
  retryCapMs: number;
}

/** The delay before try `attempt + 1`, after `attempt` failed tries: uniform in [base/2, min(cap, base·2^(attempt−1))]. */
export function retryDelayMs(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.retryCapMs, settings.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  const floor = Math.min(ceiling, settings.retryBaseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}
