import { type RevokedShareLink } from "@/lib/contract/share";
import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import { revokeShareLink } from "@/lib/server/share-service";

/** Revokes the link: it stops working at once, and the row stays for the record. */
export const DELETE = route<{ id: string; linkId: string }>(async ({ principal, params }) => {
  const link = await revokeShareLink(principal, params.id, params.linkId);
  return NextResponse.json<RevokedShareLink>({ link });
});
