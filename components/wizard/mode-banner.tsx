export function ModeBanner({ mode }: { mode: "sandbox" | "live" }) {
  if (mode === "live") return null;
  return (
    <div className="border-t border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
      <p className="mx-auto max-w-5xl px-4 py-2 text-sm">
        <strong>Sandbox</strong> — no Entra application is configured, so this wizard is not connected to a
        real tenant or directory. Steps are recorded by attestation; nothing here changes a real system.
      </p>
    </div>
  );
}
