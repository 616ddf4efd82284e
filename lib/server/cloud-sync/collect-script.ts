import "server-only";
import { cloudSyncCollectScript } from "@/lib/verify/cloud-sync/collect-script";

/** The provisioning agent collector (cloud sync), as the download route serves it. */
export function cloudSyncCollectScriptText(): string {
  return cloudSyncCollectScript();
}
