// POST /tcc/outcome, which the worker's receiver serves to the fee points service's sweep: the bearer secret first,
// then the shape, then answerOutcome. Kept apart from the HTTP framework so that tests can serve it as the worker does.
import { z } from "zod";
import { parseJson } from "../broker/partnerHttp";
import { presentsBearer } from "../points/bearer";
import { ZOutcomeRequest } from "../points/wire";
import type { CoreServices } from "../services";
import { answerOutcome } from "./feePoints";

export interface OutcomeHttpAnswer {
  status: 200 | 400 | 401 | 503;
  body: unknown;
}

export async function handleOutcomeRequest(
  services: CoreServices,
  authorization: string | undefined,
  rawBody: string,
): Promise<OutcomeHttpAnswer> {
  const secret = services.config.points.secret;
  if (!secret || !presentsBearer(authorization, secret))
    return {
      status: 401,
      body: { code: "UNAUTHORIZED", message: "Send Authorization: Bearer <POINTS_SERVICE_SECRET>." },
    };
  const parsed = ZOutcomeRequest.safeParse(parseJson(rawBody));
  if (!parsed.success) return { status: 400, body: { code: "BAD_REQUEST", message: z.prettifyError(parsed.error) } };
  try {
    return { status: 200, body: await answerOutcome(services.prisma, parsed.data) };
  } catch (error) {
    services.logger.error({ err: (error as Error).message }, "points outcome not answered");
    return { status: 503, body: { code: "UNAVAILABLE", message: "Ask again shortly." } };
  }
}
