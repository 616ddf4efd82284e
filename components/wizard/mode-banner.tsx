export function ModeBanner({ mode }: { mode: "sandbox" | "live" }) {
  if (mode === "live") return null;
  return (
    <div className="border-t border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
      <p className="mx-auto max-w-5xl px-4 py-2 text-sm">
        <strong>Sandbox — simulated tenant and directory</strong>. No Entra application is configured, so this
        wizard talks to a built-in simulated tenant instead of a real one; nothing here changes a real system.
      </p>
    </div>
  );
}
