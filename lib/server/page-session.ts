import "server-only";
import { cookies } from "next/headers";
import { decodeSession, SESSION_COOKIE, type Session } from "./session";

/** The session of the request being rendered; the proxy guarantees one exists for pages. */
export async function pageSession(): Promise<Session | null> {
  const jar = await cookies();
  return decodeSession(jar.get(SESSION_COOKIE)?.value);
}
