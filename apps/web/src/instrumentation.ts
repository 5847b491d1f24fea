// Next.js runs register() once when the server starts: the web reads its configuration there, so that a wrong setting
// stops `next start` with the setting's name instead of failing the first request that needs it.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkConfiguration } = await import("./server/startup");
  checkConfiguration();
}
