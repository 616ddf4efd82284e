// Runs once when the server starts: a bad variable or an unreachable database stops start-up with one clear
// sentence instead of failing on the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("@/lib/server/startup");
  await startServer();
}
