/** "Rate held for 23 s", or that it expired and what to do; `seconds` from useSecondsLeft. */
export function QuoteCountdown({ seconds, again }: { seconds: number; again: string }) {
  if (seconds > 0)
    return (
      <span className="text-neutral-500" data-testid="quote-countdown" data-seconds={seconds}>
        Rate held for <span className="num font-medium text-neutral-800">{seconds} s</span>
      </span>
    );
  return (
    <span className="text-rose-700" data-testid="quote-expired">
      This rate expired. {again}
    </span>
  );
}
