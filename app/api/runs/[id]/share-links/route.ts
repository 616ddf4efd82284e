import { type CreatedShareLink, type ShareLinkListResponse } from "@/lib/contract/share";
import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import { createShareLink, listShareLinks, shareLinkCreateSchema } from "@/lib/server/share-service";

export const GET = route<{ id: string }>(async ({ principal, params }) => {
  const links = await listShareLinks(principal, params.id);
  return NextResponse.json<ShareLinkListResponse>({ links });
});

/** Answers with the token once; it cannot be read back later. */
export const POST = route<{ id: string }>(async ({ principal, params, body }) => {
  const input = await body(shareLinkCreateSchema);
  const created = await createShareLink(principal, params.id, input);
  return NextResponse.json<CreatedShareLink>(created, { status: 201 });
});
