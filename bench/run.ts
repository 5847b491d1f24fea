// A benchmark as a script: run it, exit 0 when it finished, print the stack and exit 1 when it failed (the open
// connections and timers of the systems it started never keep the process alive).
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack : error);
      process.exit(1);
    },
  );
}
