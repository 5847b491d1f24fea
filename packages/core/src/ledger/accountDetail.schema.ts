// Input of admin.accounts.detail.
import { z } from "zod";

export const ZAccountDetailInput = z.object({ accountId: z.uuid("That is not a valid account id.") });
export type TAccountDetailInput = z.infer<typeof ZAccountDetailInput>;
