// One circuit breaker per partner broker, shared by every gateway process (Toss Bank's flow control toward brokers,
// with Resilience4j's CircuitBreaker semantics over a time-based window): a breaker that each process kept for itself
// would let N processes each send their own burst of trial calls to a broker that is still down.
//
// The rules are written once, as pure steps over one breaker's stored state. The memory adapter runs those steps; the
// Redis adapter runs a Lua mirror of them, so each acquire and each record is one atomic round trip that every process
// sees at once. The model-based test in circuitBreaker.test.ts drives both with the same random histories and holds
// the mirror to the rules.
//
// Choices the Resilience4j description leaves open:
// - Transitions are returned where they happen: record() returns closed → open and half-open → open/closed; acquire()
//   puts open → half-open (and a new set of trials, below) on the allowed permission as `transition`. force() and
//   release() are the operator's own acts and return nothing.
// - Every transition starts a new generation, and an outcome counts only in the generation that allowed it. A call
//   allowed before an opening and answered after the next closing describes the broker as it was before the opening,
//   so it is dropped rather than counted in the new closed window.
// - Lost trials: a trial whose outcome is never recorded (its process died) would hold half-open forever. When the
//   trials have not all been recorded waitInOpenMs after half-open began, the next acquire starts a new generation of
//   trials (half-open → half-open); late outcomes of the old trials are stale and dropped.
// - Forced open refuses everything; forced closed allows everything and records nothing (Resilience4j's FORCED_OPEN and
//   DISABLED). release() ends a forced state by starting closed with an empty window in a new generation; release()
//   of an unforced breaker does nothing, so a stray release cannot close a breaker the broker opened.
// - Clocks: time is the caller's `now` (Date.now() by default), so tests can inject it. Processes on different
//   machines judge windows and waits by their own clocks; a skew of d shifts an opening or a half-open by about d,
//   which NTP keeps to milliseconds against windows and waits of seconds.
import type { Redis } from "ioredis";

export type BreakerState = "closed" | "open" | "half-open";
export type ForcedState = "open" | "closed" | null;

export interface BreakerSettings {
  /** Time-based sliding window, in 1-second buckets. */
  windowSeconds: number;
  /** No verdict before this many calls in the window. */
  minimumCalls: number;
  /** 0..1 */
  failureRateThreshold: number;
  /** A call slower than this is slow. */
  slowCallDurationMs: number;
  /** 0..1 */
  slowCallRateThreshold: number;
  /** Open → half-open after this; also how long a set of trials may stay unrecorded. */
  waitInOpenMs: number;
  /** Trial calls allowed per half-open generation, across all processes. */
  permittedCallsInHalfOpen: number;
}

export interface Transition {
  from: BreakerState;
  to: BreakerState;
  reason: string;
  at: number;
}

/**
 * retryAfterMs: open, until the wait ends; half-open, until unrecorded trials would be replaced (at the latest);
 * forced open, waitInOpenMs as a polling hint, since only an operator ends it.
 */
export type Permission =
  | { allowed: true; trial: boolean; generation: number; transition?: Transition }
  | { allowed: false; state: BreakerState; forced: boolean; retryAfterMs: number };

type Allowed = Extract<Permission, { allowed: true }>;
type Outcome = { ok: boolean; durationMs: number };

/**
 * calls/failureRate/slowRate: the closed window's figures when closed, the recorded trials' when half-open, none when
 * open or forced (nothing is measured then).
 */
export interface BreakerView {
  brokerId: string;
  state: BreakerState;
  forced: ForcedState;
  since: number;
  calls: number;
  failureRate: number;
  slowRate: number;
  trialsInFlight: number;
}

export interface SharedBreaker {
  /** An allowed permission may carry the transition its acquisition caused (open → half-open, new trials). */
  acquire(brokerId: string, now?: number): Promise<Permission>;
  /** Records the outcome of an allowed call; returns the transition it caused, if any (the caller logs/mirrors it). */
  record(brokerId: string, permission: Allowed, outcome: Outcome, now?: number): Promise<Transition | null>;
  view(brokerId: string, now?: number): Promise<BreakerView>;
  /** Operator lever: the forced state wins until release. */
  force(brokerId: string, state: "open" | "closed", now?: number): Promise<void>;
  release(brokerId: string, now?: number): Promise<void>;
}

// ---- The rules, once ----------------------------------------------------------------------------------------------

interface Machine {
  state: BreakerState;
  forced: ForcedState;
  since: number;
  generation: number;
  trialsGranted: number;
  trialsRecorded: number;
  trialFailures: number;
  trialSlow: number;
}
interface Bucket {
  second: number;
  calls: number;
  failures: number;
  slow: number;
}
interface Stored {
  machine: Machine;
  window: Bucket[];
}
type Tally = Omit<Bucket, "second">;
type Step<T> = { stored: Stored; result: T };

/** Since 0: the breaker has never left its first closed state. */
const FRESH: Stored = {
  machine: {
    state: "closed",
    forced: null,
    since: 0,
    generation: 0,
    trialsGranted: 0,
    trialsRecorded: 0,
    trialFailures: 0,
    trialSlow: 0,
  },
  window: [],
};
const NO_CALLS: Tally = { calls: 0, failures: 0, slow: 0 };

/** Every transition opens a new generation with an empty window; entering half-open grants the caller the first trial. */
function enter(machine: Machine, state: BreakerState, now: number): Stored {
  const trialsGranted = state === "half-open" ? 1 : 0;
  const generation = machine.generation + 1;
  return {
    machine: { ...FRESH.machine, forced: machine.forced, state, since: now, generation, trialsGranted },
    window: [],
  };
}

const pct = (rate: number) => Math.floor(rate * 100 + 0.5);

function tripReason(tally: Tally, s: BreakerSettings, noun: string): string | null {
  const failureRate = tally.failures / tally.calls;
  const slowRate = tally.slow / tally.calls;
  if (failureRate >= s.failureRateThreshold)
    return `failure rate ${pct(failureRate)}% ≥ ${pct(s.failureRateThreshold)}% over ${tally.calls} ${noun}`;
  if (slowRate >= s.slowCallRateThreshold)
    return (
      `slow-call rate ${pct(slowRate)}% ≥ ${pct(s.slowCallRateThreshold)}% over ${tally.calls} ${noun}` +
      ` (slower than ${s.slowCallDurationMs}ms)`
    );
  return null;
}

function closeReason(tally: Tally, s: BreakerSettings): string {
  if (tally.failures === 0 && tally.slow === 0) return `all ${tally.calls} trial calls succeeded`;
  return (
    `failure rate ${pct(tally.failures / tally.calls)}% < ${pct(s.failureRateThreshold)}% and slow-call rate ` +
    `${pct(tally.slow / tally.calls)}% < ${pct(s.slowCallRateThreshold)}% over ${tally.calls} trial calls`
  );
}

function acquireStep({ machine, window }: Stored, s: BreakerSettings, now: number): Step<Permission> {
  const unchanged = { machine, window };
  if (machine.forced === "open")
    return { stored: unchanged, result: { allowed: false, state: "open", forced: true, retryAfterMs: s.waitInOpenMs } };
  if (machine.forced === "closed" || machine.state === "closed")
    return { stored: unchanged, result: { allowed: true, trial: false, generation: machine.generation } };
  if (machine.state === "half-open" && machine.trialsGranted < s.permittedCallsInHalfOpen) {
    const granted = { ...machine, trialsGranted: machine.trialsGranted + 1 };
    return {
      stored: { machine: granted, window },
      result: { allowed: true, trial: true, generation: machine.generation },
    };
  }
  const waited = now - machine.since;
  if (waited < s.waitInOpenMs) {
    const refused: Permission = {
      allowed: false,
      state: machine.state,
      forced: false,
      retryAfterMs: s.waitInOpenMs - waited,
    };
    return { stored: unchanged, result: refused };
  }
  const reason =
    machine.state === "open"
      ? `wait in open elapsed (${s.waitInOpenMs}ms)`
      : `${machine.trialsGranted - machine.trialsRecorded} of ${machine.trialsGranted} trial calls unrecorded after ` +
        `${s.waitInOpenMs}ms; new trials`;
  const stored = enter(machine, "half-open", now);
  const transition: Transition = { from: machine.state, to: "half-open", reason, at: now };
  return { stored, result: { allowed: true, trial: true, generation: stored.machine.generation, transition } };
}

function recordStep(
  current: Stored,
  s: BreakerSettings,
  permission: Allowed,
  outcome: Outcome,
  now: number,
): Step<Transition | null> {
  const { machine } = current;
  const counts = machine.forced === null && permission.generation === machine.generation && machine.state !== "open";
  if (!counts) return { stored: current, result: null };
  const failed = outcome.ok ? 0 : 1;
  const slow = outcome.durationMs > s.slowCallDurationMs ? 1 : 0;
  return machine.state === "closed"
    ? recordClosed(current, s, failed, slow, now)
    : recordTrial(machine, s, failed, slow, now);
}

function recordClosed(current: Stored, s: BreakerSettings, failed: number, slow: number, now: number) {
  const second = Math.floor(now / 1000);
  const kept = current.window.filter((bucket) => bucket.second > second - s.windowSeconds);
  const mine = kept.find((bucket) => bucket.second === second) ?? { second, ...NO_CALLS };
  const added = { second, calls: mine.calls + 1, failures: mine.failures + failed, slow: mine.slow + slow };
  const window = [...kept.filter((bucket) => bucket !== mine), added];
  const tally = sum(window);
  const reason = tally.calls >= s.minimumCalls ? tripReason(tally, s, "calls") : null;
  if (!reason) return { stored: { machine: current.machine, window }, result: null };
  const transition: Transition = { from: "closed", to: "open", reason, at: now };
  return { stored: enter(current.machine, "open", now), result: transition };
}

function recordTrial(machine: Machine, s: BreakerSettings, failed: number, slow: number, now: number) {
  const trials = {
    ...machine,
    trialsRecorded: machine.trialsRecorded + 1,
    trialFailures: machine.trialFailures + failed,
    trialSlow: machine.trialSlow + slow,
  };
  // Resilience4j judges half-open only once every permitted trial has answered. (Half-open's window is always empty.)
  if (trials.trialsRecorded < s.permittedCallsInHalfOpen)
    return { stored: { machine: trials, window: [] }, result: null };
  const tally = trialTally(trials);
  const reason = tripReason(tally, s, "trial calls");
  const to = reason ? "open" : "closed";
  const transition: Transition = { from: "half-open", to, reason: reason ?? closeReason(tally, s), at: now };
  return { stored: enter(trials, to, now), result: transition };
}

function forceStep({ machine, window }: Stored, state: "open" | "closed", now: number): Stored {
  return { machine: { ...machine, forced: state, since: now }, window };
}

function releaseStep(current: Stored, now: number): Stored {
  if (current.machine.forced === null) return current;
  return enter({ ...current.machine, forced: null }, "closed", now);
}

const sum = (buckets: Bucket[]): Tally =>
  buckets.reduce(
    (tally, bucket) => ({
      calls: tally.calls + bucket.calls,
      failures: tally.failures + bucket.failures,
      slow: tally.slow + bucket.slow,
    }),
    NO_CALLS,
  );
const trialTally = (m: Machine): Tally => ({ calls: m.trialsRecorded, failures: m.trialFailures, slow: m.trialSlow });

function viewOf(brokerId: string, { machine, window }: Stored, s: BreakerSettings, now: number): BreakerView {
  const second = Math.floor(now / 1000);
  const measured =
    machine.forced !== null || machine.state === "open"
      ? NO_CALLS
      : machine.state === "closed"
        ? sum(window.filter((bucket) => bucket.second > second - s.windowSeconds))
        : trialTally(machine);
  const halfOpen = machine.forced === null && machine.state === "half-open";
  return {
    brokerId,
    state: machine.forced ?? machine.state,
    forced: machine.forced,
    since: machine.since,
    calls: measured.calls,
    failureRate: measured.calls ? measured.failures / measured.calls : 0,
    slowRate: measured.calls ? measured.slow / measured.calls : 0,
    trialsInFlight: halfOpen ? machine.trialsGranted - machine.trialsRecorded : 0,
  };
}

// ---- Memory adapter: one process's breakers (Redis is optional in Meridian) ------------------------------------------

export function memoryBreaker(settings: BreakerSettings): SharedBreaker {
  const breakers = new Map<string, Stored>();
  const stored = (brokerId: string) => breakers.get(brokerId) ?? FRESH;
  const apply = <T>(brokerId: string, step: Step<T>): T => {
    breakers.set(brokerId, step.stored);
    return step.result;
  };
  return {
    async acquire(brokerId, now = Date.now()) {
      return apply(brokerId, acquireStep(stored(brokerId), settings, now));
    },
    async record(brokerId, permission, outcome, now = Date.now()) {
      return apply(brokerId, recordStep(stored(brokerId), settings, permission, outcome, now));
    },
    async view(brokerId, now = Date.now()) {
      return viewOf(brokerId, stored(brokerId), settings, now);
    },
    async force(brokerId, state, now = Date.now()) {
      breakers.set(brokerId, forceStep(stored(brokerId), state, now));
    },
    async release(brokerId, now = Date.now()) {
      breakers.set(brokerId, releaseStep(stored(brokerId), now));
    },
  };
}

// ---- Redis adapter: the same steps in Lua, one atomic script per acquire, record and release -----------------------

// KEYS: machine hash, window hash (field = epoch second, value = "calls:failures:slow").
// ARGV: op, now, the seven settings in BreakerSettings order, then for record: generation, ok (1/0), durationMs.
// Numbers go back to Redis through fmt: Lua's own number-to-string keeps only 14 digits, too few for epoch ms.
const SCRIPT = `
local machineKey, windowKey = KEYS[1], KEYS[2]
local op, now = ARGV[1], tonumber(ARGV[2])
local windowSeconds, minimumCalls = tonumber(ARGV[3]), tonumber(ARGV[4])
local failureRateThreshold, slowCallDurationMs = tonumber(ARGV[5]), tonumber(ARGV[6])
local slowCallRateThreshold, waitInOpenMs = tonumber(ARGV[7]), tonumber(ARGV[8])
local permittedCallsInHalfOpen = tonumber(ARGV[9])

local function fmt(x) return string.format('%.17g', x) end
local function pct(rate) return fmt(math.floor(rate * 100 + 0.5)) end

local m = { state = 'closed', forced = '', since = 0, generation = 0,
  trialsGranted = 0, trialsRecorded = 0, trialFailures = 0, trialSlow = 0 }
local fields = redis.call('HGETALL', machineKey)
for i = 1, #fields, 2 do
  if fields[i] == 'state' or fields[i] == 'forced' then m[fields[i]] = fields[i + 1]
  else m[fields[i]] = tonumber(fields[i + 1]) end
end

local function save()
  redis.call('HSET', machineKey, 'state', m.state, 'forced', m.forced, 'since', fmt(m.since),
    'generation', fmt(m.generation), 'trialsGranted', fmt(m.trialsGranted), 'trialsRecorded', fmt(m.trialsRecorded),
    'trialFailures', fmt(m.trialFailures), 'trialSlow', fmt(m.trialSlow))
end

local function enter(state)
  m.state, m.since, m.generation = state, now, m.generation + 1
  m.trialsGranted, m.trialsRecorded, m.trialFailures, m.trialSlow = 0, 0, 0, 0
  if state == 'half-open' then m.trialsGranted = 1 end
  redis.call('DEL', windowKey)
  save()
end

local function tripReason(calls, failures, slow, noun)
  local failureRate, slowRate = failures / calls, slow / calls
  if failureRate >= failureRateThreshold then
    return 'failure rate ' .. pct(failureRate) .. '% ≥ ' .. pct(failureRateThreshold) .. '% over ' .. fmt(calls) ..
      ' ' .. noun
  end
  if slowRate >= slowCallRateThreshold then
    return 'slow-call rate ' .. pct(slowRate) .. '% ≥ ' .. pct(slowCallRateThreshold) .. '% over ' .. fmt(calls) ..
      ' ' .. noun .. ' (slower than ' .. ARGV[6] .. 'ms)'
  end
  return nil
end

local function closeReason(calls, failures, slow)
  if failures == 0 and slow == 0 then return 'all ' .. fmt(calls) .. ' trial calls succeeded' end
  return 'failure rate ' .. pct(failures / calls) .. '% < ' .. pct(failureRateThreshold) .. '% and slow-call rate ' ..
    pct(slow / calls) .. '% < ' .. pct(slowCallRateThreshold) .. '% over ' .. fmt(calls) .. ' trial calls'
end

local function acquire()
  if m.forced == 'open' then return { 'refused', 'open', '1', ARGV[8] } end
  if m.forced == 'closed' or m.state == 'closed' then return { 'allowed', '0', fmt(m.generation) } end
  if m.state == 'half-open' and m.trialsGranted < permittedCallsInHalfOpen then
    m.trialsGranted = m.trialsGranted + 1
    save()
    return { 'allowed', '1', fmt(m.generation) }
  end
  local waited = now - m.since
  if waited < waitInOpenMs then return { 'refused', m.state, '0', fmt(waitInOpenMs - waited) } end
  local from, reason = m.state, 'wait in open elapsed (' .. ARGV[8] .. 'ms)'
  if from == 'half-open' then
    reason = fmt(m.trialsGranted - m.trialsRecorded) .. ' of ' .. fmt(m.trialsGranted) ..
      ' trial calls unrecorded after ' .. ARGV[8] .. 'ms; new trials'
  end
  enter('half-open')
  return { 'allowed', '1', fmt(m.generation), from, 'half-open', reason, fmt(now) }
end

local function recordClosed(failed, slow)
  local second = math.floor(now / 1000)
  local calls, failures, slowCalls = 1, failed, slow
  local mine = { 1, failed, slow }
  local buckets = redis.call('HGETALL', windowKey)
  for i = 1, #buckets, 2 do
    local bucketSecond = tonumber(buckets[i])
    local c, f, sl = string.match(buckets[i + 1], '^(%d+):(%d+):(%d+)$')
    c, f, sl = tonumber(c), tonumber(f), tonumber(sl)
    if bucketSecond <= second - windowSeconds then
      redis.call('HDEL', windowKey, buckets[i])
    else
      calls, failures, slowCalls = calls + c, failures + f, slowCalls + sl
      if bucketSecond == second then mine = { mine[1] + c, mine[2] + f, mine[3] + sl } end
    end
  end
  local reason = nil
  if calls >= minimumCalls then reason = tripReason(calls, failures, slowCalls, 'calls') end
  if reason == nil then
    redis.call('HSET', windowKey, fmt(second), fmt(mine[1]) .. ':' .. fmt(mine[2]) .. ':' .. fmt(mine[3]))
    return {}
  end
  enter('open')
  return { 'closed', 'open', reason, fmt(now) }
end

local function recordTrial(failed, slow)
  m.trialsRecorded = m.trialsRecorded + 1
  m.trialFailures, m.trialSlow = m.trialFailures + failed, m.trialSlow + slow
  if m.trialsRecorded < permittedCallsInHalfOpen then
    save()
    return {}
  end
  local calls, failures, slowCalls = m.trialsRecorded, m.trialFailures, m.trialSlow
  local to, reason = 'open', tripReason(calls, failures, slowCalls, 'trial calls')
  if reason == nil then to, reason = 'closed', closeReason(calls, failures, slowCalls) end
  enter(to)
  return { 'half-open', to, reason, fmt(now) }
end

local function record()
  local generation, ok, durationMs = tonumber(ARGV[10]), ARGV[11] == '1', tonumber(ARGV[12])
  if m.forced ~= '' or generation ~= m.generation or m.state == 'open' then return {} end
  local failed, slow = 1, 0
  if ok then failed = 0 end
  if durationMs > slowCallDurationMs then slow = 1 end
  if m.state == 'closed' then return recordClosed(failed, slow) end
  return recordTrial(failed, slow)
end

local function release()
  if m.forced == '' then return {} end
  m.forced = ''
  enter('closed')
  return {}
end

if op == 'acquire' then return acquire() end
if op == 'record' then return record() end
if op == 'release' then return release() end
return redis.error_reply('unknown breaker op ' .. op)
`;

const COMMAND = "meridianFlowBreaker";
type Scripted = Record<typeof COMMAND, (...keysAndArgs: (string | number)[]) => Promise<string[]>>;

export function redisBreaker(
  redis: Redis,
  settings: BreakerSettings,
  options: { prefix?: string } = {},
): SharedBreaker {
  const prefix = options.prefix ?? "meridian:flow:breaker";
  // defineCommand sends EVALSHA and falls back to EVAL once per connection.
  redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: SCRIPT });
  const keys = (brokerId: string) => [`${prefix}:${brokerId}:machine`, `${prefix}:${brokerId}:window`] as const;
  // In the order the script reads them (ARGV[3..9]).
  const settingsArgs = [
    settings.windowSeconds,
    settings.minimumCalls,
    settings.failureRateThreshold,
    settings.slowCallDurationMs,
    settings.slowCallRateThreshold,
    settings.waitInOpenMs,
    settings.permittedCallsInHalfOpen,
  ];
  const run = (brokerId: string, op: string, now: number, extra: (string | number)[] = []) => {
    return (redis as unknown as Scripted)[COMMAND](...keys(brokerId), op, now, ...settingsArgs, ...extra);
  };
  return {
    async acquire(brokerId, now = Date.now()) {
      return permissionFrom(await run(brokerId, "acquire", now));
    },
    async record(brokerId, permission, outcome, now = Date.now()) {
      const outcomeArgs = [permission.generation, outcome.ok ? 1 : 0, outcome.durationMs];
      return transitionFrom(await run(brokerId, "record", now, outcomeArgs));
    },
    async view(brokerId, now = Date.now()) {
      const [machineKey, windowKey] = keys(brokerId);
      // MULTI: the machine and its window read as of one instant.
      const replies = (await redis.multi().hgetall(machineKey).hgetall(windowKey).exec()) ?? [];
      const [machineHash, windowHash] = replies.map(([error, reply]) => {
        if (error) throw error;
        return reply as Record<string, string>;
      });
      return viewOf(brokerId, storedFrom(machineHash ?? {}, windowHash ?? {}), settings, now);
    },
    async force(brokerId, state, now = Date.now()) {
      // One HSET is atomic on its own; the forced flag and since are all that forcing changes.
      await redis.hset(keys(brokerId)[0], "forced", state, "since", now);
    },
    async release(brokerId, now = Date.now()) {
      await run(brokerId, "release", now);
    },
  };
}

// Replies: ["refused", state, forced, retryAfterMs] or ["allowed", trial, generation, ...transition].
function permissionFrom(reply: string[]): Permission {
  const [kind, first, second, ...rest] = reply;
  if (kind === "refused")
    return { allowed: false, state: first as BreakerState, forced: second === "1", retryAfterMs: Number(rest[0]) };
  const permission = { allowed: true as const, trial: first === "1", generation: Number(second) };
  const transition = transitionFrom(rest);
  return transition ? { ...permission, transition } : permission;
}

function transitionFrom(reply: string[]): Transition | null {
  const [from, to, reason, at] = reply;
  if (!from) return null;
  return { from: from as BreakerState, to: to as BreakerState, reason: reason!, at: Number(at) };
}

function storedFrom(machineHash: Record<string, string>, windowHash: Record<string, string>): Stored {
  const number = (field: keyof Machine) => Number(machineHash[field] ?? 0);
  const machine: Machine = {
    state: (machineHash.state as BreakerState | undefined) ?? "closed",
    forced: (machineHash.forced || null) as ForcedState,
    since: number("since"),
    generation: number("generation"),
    trialsGranted: number("trialsGranted"),
    trialsRecorded: number("trialsRecorded"),
    trialFailures: number("trialFailures"),
    trialSlow: number("trialSlow"),
  };
  const window = Object.entries(windowHash).map(([second, counts]) => {
    const [calls, failures, slow] = counts.split(":").map(Number);
    return { second: Number(second), calls: calls ?? 0, failures: failures ?? 0, slow: slow ?? 0 };
  });
  return { machine, window };
}
