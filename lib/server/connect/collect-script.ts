import "server-only";
import { collectConnectScript } from "@/lib/connect/collect-script";

/** The Connect server collector, as the download route serves it. */
export function collectConnectScriptText(): string {
  return collectConnectScript();
}
