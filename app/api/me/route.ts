import { type MeResponse, type SaveNameResponse } from "@/lib/contract/runs";
import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/server/http";
import { encodeSession, SESSION_COOKIE, sessionCookieOptions } from "@/lib/server/session";

const nameSchema = z.object({ name: z.string().trim().min(1, "must not be empty").max(100) }).strict();

export const GET = route(async ({ session }) => NextResponse.json<MeResponse>({ name: session.name }));

/** Sets the name that the timeline shows for this browser's changes. */
export const PUT = route(async ({ session, body, request }) => {
  const { name } = await body(nameSchema);
  const response = NextResponse.json<SaveNameResponse>({ name });
  response.cookies.set(
    SESSION_COOKIE,
    await encodeSession({ ...session, name }),
    sessionCookieOptions(request.nextUrl.protocol === "https:"),
  );
  return response;
});
