import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import { createShareLink, listShareLinks, shareLinkCreateSchema } from "@/lib/server/share-service";

export const GET = route<{ id: string }>(async ({ principal, params }) => {
  const links = await listShareLinks(principal, params.id);
  return NextResponse.json({ links });
});

/** Answers with the token once; it cannot be read back later. */
export const POST = route<{ id: string }>(async ({ principal, params, body }) => {
  const input = await body(shareLinkCreateSchema);
  const created = await createShareLink(principal, params.id, input);
  return NextResponse.json(created, { status: 201 });
});
