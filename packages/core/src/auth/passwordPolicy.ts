// The minimum for a new password (operators from the command line; any future sign-up or change): length first, as
// NIST SP 800-63B recommends, no composition rules, and a refusal of what an attacker tries first: the email's own
// name and the most common passwords. Existing passwords are not judged at sign-in.
import { DomainError } from "../shared/errors";

export const MIN_PASSWORD_LENGTH = 12;

/** The most common passwords of at least 12 characters in public breach lists, lower-cased. */
const COMMON_PASSWORDS = new Set([
  "123456789012",
  "1234567890123",
  "12345678910",
  "123123123123",
  "111111111111",
  "000000000000",
  "qwertyuiop123",
  "qwertyuiopasdfghjkl",
  "1qaz2wsx3edc",
  "1q2w3e4r5t6y",
  "password1234",
  "password12345",
  "password123456",
  "passwordpassword",
  "iloveyou1234",
  "letmein12345",
  "welcome12345",
  "administrator",
  "changeme1234",
  "meridian-demo",
  "abcdefghijkl",
  "abc123456789",
]);

/** What is wrong with `password` for the login `email`, as a sentence that says what to do; null when it is fine. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `Use at least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words make a long password easy to remember.`;
  const lowered = password.toLowerCase();
  const localPart = email.trim().toLowerCase().split("@")[0] ?? "";
  if (localPart.length >= 3 && lowered.includes(localPart))
    return "Do not use the email's name in the password; choose words that have nothing to do with the account.";
  if (COMMON_PASSWORDS.has(lowered))
    return "This password is one of the most common ones and is tried first by attackers; choose another.";
  return null;
}

export function assertPasswordPolicy(password: string, email: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new DomainError("BAD_REQUEST", problem, "password");
}
