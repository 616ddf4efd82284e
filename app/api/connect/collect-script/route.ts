import { NextResponse } from "next/server";
import { collectConnectScriptText } from "@/lib/server/connect/collect-script";
import { route } from "@/lib/server/http";

// The Connect server's evidence collector (PowerShell), as a download.
export const GET = route(
  async () =>
    new NextResponse(collectConnectScriptText(), {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": 'attachment; filename="Collect-SsprWritebackConnect.ps1"',
      },
    }),
);
