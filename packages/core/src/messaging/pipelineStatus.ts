// The console's Pipeline page: the worker's transport status and the outbox backlog (health.ts), and where the
// worker's receiver listens — the URL brokers post executions to, which `start.ts --fresh` picks at random.
import type { CoreServices } from "../services";
import { pipelineView } from "./health";

export async function pipelineStatus({ ctx }: { ctx: { services: Pick<CoreServices, "prisma" | "receiverUrl"> } }) {
  const { prisma, receiverUrl } = ctx.services;
  return { ...(await pipelineView(prisma, `${receiverUrl}/health`)), receiverUrl };
}
