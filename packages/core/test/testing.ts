// Test helpers other workspaces' suites share (`@meridian/core/testing`); never imported by production code.
import type { OutboxMessage } from "../src/messaging/topics";

/** Wraps a handler: records the order calls began in and succeeded in, and the most calls of one message at once. */
export function recorder(behaviour: (message: OutboxMessage) => Promise<void>) {
  const started: string[] = [];
  const succeeded: string[] = [];
  const running = new Map<string, number>();
  let mostAtOnce = 0;
  const handler = async (message: OutboxMessage) => {
    started.push(message.id);
    running.set(message.id, (running.get(message.id) ?? 0) + 1);
    mostAtOnce = Math.max(mostAtOnce, running.get(message.id)!);
    try {
      await behaviour(message);
      succeeded.push(message.id);
    } finally {
      running.set(message.id, running.get(message.id)! - 1);
    }
  };
  return { handler, started, succeeded, mostAtOnce: () => mostAtOnce };
}
