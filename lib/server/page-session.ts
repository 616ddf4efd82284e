import "server-only";
import { cookies } from "next/headers";
import { type Principal } from "./access";
import { decodeGrants, LINK_GRANTS_COOKIE } from "./link-grants";
import { decodeSession, SESSION_COOKIE, type Session } from "./session";

/** The session of the request being rendered; the proxy guarantees one exists for pages. */
export async function pageSession(): Promise<Session | null> {
  const jar = await cookies();
  return await decodeSession(jar.get(SESSION_COOKIE)?.value);
}

/** The session plus the share-link grants of the request being rendered. */
export async function pagePrincipal(): Promise<Principal | null> {
  const jar = await cookies();
  const session = await decodeSession(jar.get(SESSION_COOKIE)?.value);
  if (!session) return null;
  return { session, grants: await decodeGrants(jar.get(LINK_GRANTS_COOKIE)?.value) };
}
