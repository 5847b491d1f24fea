import { ConcurrencyError } from "./errors";

/**
 * Runs `work` again when a version CAS missed. The lock makes this rare; the retry is bounded and explicit so that a
 * persistent conflict surfaces as an error instead of a loop.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= attempts) throw error;
    }
  }
}
