import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import { collectScriptText } from "@/lib/server/directory/export-service";

// The PowerShell evidence collector, as a download.
export const GET = route(
  async () =>
    new NextResponse(collectScriptText(), {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": 'attachment; filename="Collect-SsprWritebackSnapshot.ps1"',
      },
    }),
);
