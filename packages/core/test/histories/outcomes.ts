// How a step's outcome is judged: a refusal is fine if it changed nothing; any other error is unexpected and fails the
// history. And the order's status as the trace shows it.
import { DomainError } from "../../src/shared/errors";
import { deliverFeePointsBranches } from "../../src/tcc/feePoints";
import { accountState, type World } from "./world";

export async function statusOf(world: World, orderId: string): Promise<string> {
  const order = await world.prisma.order.findUniqueOrThrow({
    where: { id: orderId },
    select: { status: true, filledQuantity: true },
  });
  return order.filledQuantity.isZero() ? order.status : `${order.status} (${order.filledQuantity.toString()} filled)`;
}

/**
 * Runs a request that may be refused (DomainError); a refusal must change nothing. Null when refused. A placement
 * refused after its Try at the points service leaves a Cancel to send: it must change nothing once that is delivered,
 * so the Cancels and Confirms owed are sent before the account is looked at, both times.
 */
export async function expectRefusals<T>(world: World, what: string, request: () => Promise<T>): Promise<T | null> {
  await deliverFeePointsBranches(world.services);
  const before = await accountState(world);
  try {
    return await request();
  } catch (error) {
    if (!(error instanceof DomainError)) {
      world.unexpected.push(`${what}: ${(error as Error).name}: ${(error as Error).message}`);
      return null;
    }
    await deliverFeePointsBranches(world.services);
    const after = await accountState(world);
    if (after !== before)
      world.unexpected.push(`${what} was refused (${error.message}) but changed the account: ${before} → ${after}`);
    return null;
  }
}

export async function expectNoError<T>(world: World, what: string, work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    world.unexpected.push(`${what}: ${(error as Error).name}: ${(error as Error).message}`);
    return null;
  }
}
