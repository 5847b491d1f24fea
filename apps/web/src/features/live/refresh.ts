/** Order data arrives by push (useOrderChanges); polling this slowly only covers a stream that is down. */
export const ORDER_FALLBACK_REFRESH_MS = 15_000;

/**
 * The account summary is pushed on order changes too, but it also values positions at the latest quotes, which move
 * without any order changing: it keeps a poll of its own, slower than the quotes' but faster than the fallback.
 */
export const ACCOUNT_SUMMARY_REFRESH_MS = 5_000;
