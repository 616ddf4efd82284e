import "server-only";
import { type ChangePreview } from "@/lib/directory/preview";
import { type AppliedChange } from "@/lib/directory/writer";
import { type TimelineEvent } from "@/lib/steps/run-changes";

// The timeline entry of a fix the wizard wrote to the directory: how many objects, how many permission entries
// added and removed, and where. Made from the preview the admin approved and the writer's answer; it holds DNs and
// counts only, never the credential the fix was written with.

const TARGETS_KEPT = 20;

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Permission entries added and removed by one previewed change (the diff's first line is the header). */
function entryCounts(preview: ChangePreview): { added: number; removed: number } {
  const lines = preview.diff?.lines.slice(1) ?? [];
  return {
    added: lines.filter((l) => l.startsWith("+ ")).length,
    removed: lines.filter((l) => l.startsWith("- ")).length,
  };
}

export function fixEvent(
  stepId: "connector-permissions" | "revoke-connector-permissions",
  connector: string,
  applied: readonly AppliedChange[],
  previews: readonly ChangePreview[],
  actor: string,
): TimelineEvent | null {
  const written = applied.filter((a) => a.result === "applied");
  if (written.length === 0) return null;
  let added = 0;
  let removed = 0;
  for (const change of written) {
    const preview = previews.find(
      (p) => p.change.kind === change.kind && p.change.dn.toLowerCase() === change.dn.toLowerCase(),
    );
    if (!preview) continue;
    const counts = entryCounts(preview);
    added += counts.added;
    removed += counts.removed;
  }
  const targets = [...new Set(written.map((a) => a.dn))];
  const where =
    targets.length === 1
      ? `on ${targets[0]}`
      : `on ${targets[0]} and ${plural(targets.length - 1, "other object", "other objects")}`;
  const entries = [
    added > 0 ? `${plural(added, "permission entry", "permission entries")} added` : null,
    removed > 0 ? `${plural(removed, "permission entry", "permission entries")} removed` : null,
  ]
    .filter(Boolean)
    .join(", ");
  const revoke = stepId === "revoke-connector-permissions";
  const summary = revoke
    ? `Revoked the permissions of ${connector}: ${plural(written.length, "change", "changes")} ${where}${entries ? ` (${entries})` : ""}`
    : `Applied ${plural(written.length, "change", "changes")} for ${connector} ${where}${entries ? ` (${entries})` : ""}`;
  return {
    actor,
    type: revoke ? "fix-revoked" : "fix-applied",
    stepId,
    summary,
    detail: {
      connector,
      changes: written.length,
      entriesAdded: added,
      entriesRemoved: removed,
      kinds: [...new Set(written.map((a) => a.kind))],
      targets: targets.slice(0, TARGETS_KEPT),
      targetCount: targets.length,
    },
  };
}
