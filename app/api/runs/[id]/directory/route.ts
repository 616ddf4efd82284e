import { type DirectoryState } from "@/lib/contract/directory";
import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import {
  directoryState,
  settingsBodySchema,
  updateDirectorySettings,
} from "@/lib/server/directory/state-service";

// The run's directory state (connection, snapshot, confirmed connector, scope, last scans, progress) and its settings.
export const GET = route<{ id: string }>(async ({ principal, params }) =>
  NextResponse.json<DirectoryState>(await directoryState(principal, params.id)),
);

export const PATCH = route<{ id: string }>(async ({ principal, params, body }) => {
  const input = await body(settingsBodySchema);
  return NextResponse.json<DirectoryState>(await updateDirectorySettings(principal, params.id, input));
});
