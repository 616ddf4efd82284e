import { expect } from "vitest";
import * as shareLinksRoute from "@/app/api/runs/[id]/share-links/route";
import * as shareLinkRoute from "@/app/api/runs/[id]/share-links/[linkId]/route";
import * as runsRoute from "@/app/api/runs/route";
import * as openRoute from "@/app/share/[token]/route";
import { PEER_ADDRESS_HEADER } from "@/lib/server/client-address";
import { getDatabase } from "@/lib/server/db";
import { LINK_GRANTS_COOKIE } from "@/lib/server/link-grants";
import { type Session } from "@/lib/server/session";
import { call, makeSession, setCookieValue } from "./route-harness";

// Test helpers for share links, through the real route handlers.

export async function createRunAs(session: Session, flow: "enable" | "cleanup" = "enable"): Promise<string> {
  const res = await call(runsRoute.POST, "/api/runs", {}, { method: "POST", body: { flow }, session });
  expect(res.status).toBe(201);
  return String(res.json.id);
}

export async function createLink(
  owner: Session,
  runId: string,
  body: Record<string, unknown>,
): Promise<{ id: string; token: string; path: string; json: Record<string, unknown> }> {
  const res = await call(
    shareLinksRoute.POST,
    `/api/runs/${runId}/share-links`,
    { id: runId },
    { method: "POST", body, session: owner },
  );
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  const path = String(res.json.path);
  return {
    id: String((res.json.link as { id: string }).id),
    token: path.replace("/share/", ""),
    path,
    json: res.json,
  };
}

export async function revokeLink(owner: Session, runId: string, linkId: string) {
  return call(
    shareLinkRoute.DELETE,
    `/api/runs/${runId}/share-links/${linkId}`,
    { id: runId, linkId },
    { method: "DELETE", session: owner },
  );
}

/** GET /share/<token> as a browser would: returns the redirect and the grants cookie it set. */
export async function openLink(
  token: string,
  session: Session | null,
  options: { grants?: string | null; ip?: string } = {},
): Promise<{
  status: number;
  location: string | null;
  grants: string | null;
  headers: Headers;
  text: string;
}> {
  const cookies = options.grants ? { [LINK_GRANTS_COOKIE]: options.grants } : undefined;
  // The address the server stamps from the socket (lib/server/client-address.ts); a test plays the socket.
  const headers = options.ip ? { [PEER_ADDRESS_HEADER]: options.ip } : undefined;
  const res = await call(openRoute.GET, `/share/${token}`, { token }, { session, cookies, headers });
  return {
    status: res.status,
    location: res.headers.get("location"),
    grants: setCookieValue(res.headers, LINK_GRANTS_COOKIE),
    headers: res.headers,
    text: res.text,
  };
}

/** Moves a link's expiry into the past, as if its time had run out. */
export async function expireLink(linkId: string): Promise<void> {
  const { db } = await getDatabase();
  await db
    .updateTable("share_links")
    .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
    .where("id", "=", linkId)
    .execute();
}

/** Someone calling the routes: a session, and the link-grant cookie when they came in through a share link. */
export interface Caller {
  session: Session;
  cookies?: Record<string, string>;
}

/** A person who opened a new `role` link to the owner's run: their session with the link's grant cookie. */
export async function linkCaller(
  owner: Session,
  runId: string,
  role: "edit" | "view",
  who: { name?: string; label?: string } = {},
): Promise<Caller> {
  const name = who.name ?? `${role} helper`;
  const link = await createLink(owner, runId, { role, label: who.label ?? name });
  const session = makeSession(name);
  const opened = await openLink(link.token, session);
  return { session, cookies: { [LINK_GRANTS_COOKIE]: opened.grants ?? "" } };
}
