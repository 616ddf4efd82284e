import { NextResponse } from "next/server";
import { cloudSyncCollectScriptText } from "@/lib/server/cloud-sync/collect-script";
import { route } from "@/lib/server/http";

// The provisioning agent collector (cloud sync), as a download.
export const GET = route(
  async () =>
    new NextResponse(cloudSyncCollectScriptText(), {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": 'attachment; filename="Collect-SsprWritebackCloudSync.ps1"',
      },
    }),
);
