import { z } from "zod";

export const ZLoginInput = z.object({
  email: z.email("Enter the email you signed up with."),
  password: z.string().min(1, "Enter your password."),
});
export type TLoginInput = z.infer<typeof ZLoginInput>;
