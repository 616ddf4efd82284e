import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeGrants } from "./link-grants";
import {
  actorName,
  decodeSession,
  encodeSession,
  newSession,
  readSessionCookie,
  type Session,
} from "./session";

const key = Buffer.from("k".repeat(40));
const otherKey = Buffer.from("o".repeat(40));
const previousKey = Buffer.from("p".repeat(40));
const DAY_MS = 24 * 60 * 60 * 1000;

afterEach(() => {
  vi.useRealTimers();
});

/** Seals with the clock set `daysAgo` days back, as if the cookie had been issued then. */
async function issuedDaysAgo(daysAgo: number, session: Session): Promise<string> {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() - daysAgo * DAY_MS);
  try {
    return await encodeSession(session, key);
  } finally {
    vi.useRealTimers();
  }
}

describe("session cookie", () => {
  it("round-trips a session sealed with the key", async () => {
    const session = { ...newSession(), name: "Ada" };
    expect(await decodeSession(await encodeSession(session, key), key)).toEqual(session);
    const signedIn = { ...session, entra: { tid: "t", oid: "o", upn: "ada@contoso.com" } };
    expect(await decodeSession(await encodeSession(signedIn, key), key)).toEqual(signedIn);
  });

  it("refuses a cookie sealed with another key, a tampered payload, or garbage", async () => {
    const value = await encodeSession(newSession(), key);
    expect(await decodeSession(value, otherKey)).toBeNull();
    const [payload, signature] = value.split(".");
    const forged = Buffer.from(JSON.stringify({ id: "A".repeat(22), name: "Mallory" })).toString("base64url");
    expect(await decodeSession(`${forged}.${signature}`, key)).toBeNull();
    expect(await decodeSession(`${payload}.`, key)).toBeNull();
    expect(await decodeSession(`${payload}.${signature}.x`, key)).toBeNull();
    expect(await decodeSession("not a cookie", key)).toBeNull();
    expect(await decodeSession(undefined, key)).toBeNull();
    expect(await decodeSession("x".repeat(5000), key)).toBeNull();
    // One character changed in any sealed part (the first: a last base64url character may carry only padding bits).
    const parts = value.split(".");
    for (const index of [0, 2, 3, 4]) {
      const changed = [...parts];
      const part = changed[index]!;
      changed[index] = `${part.startsWith("A") ? "B" : "A"}${part.slice(1)}`;
      expect(await decodeSession(changed.join("."), key)).toBeNull();
    }
  });

  it("refuses a correctly sealed payload of the wrong shape", async () => {
    const value = await encodeSession({ id: "short", name: null } as Session, key);
    expect(await decodeSession(value, key)).toBeNull();
  });

  it("is encrypted: the cookie does not show who signed in", async () => {
    const value = await encodeSession(
      {
        ...newSession(),
        name: "Ada Admin",
        entra: { tid: "tenant-1", oid: "object-1", upn: "ada@contoso.com" },
      },
      key,
    );
    const readable = value
      .split(".")
      .map((part) => Buffer.from(part, "base64url").toString("latin1"))
      .join(" ");
    for (const secret of ["Ada Admin", "tenant-1", "object-1", "ada@contoso.com"]) {
      expect(value).not.toContain(secret);
      expect(readable).not.toContain(secret);
    }
  });

  it("refuses an expired cookie: the expiry is inside the sealed payload", async () => {
    const session = newSession();
    expect(await decodeSession(await issuedDaysAgo(89, session), key)).toEqual(session);
    expect(await decodeSession(await issuedDaysAgo(91, session), key)).toBeNull();
  });

  it("rotation: a cookie sealed with a previous key opens while that key is listed, and only then", async () => {
    const session = newSession();
    const old = await encodeSession(session, previousKey);
    expect(await decodeSession(old, [key, previousKey])).toEqual(session);
    expect(await decodeSession(old, [key])).toBeNull();
    // New cookies are sealed with the first key of the ring.
    const fresh = await encodeSession(session, [key, previousKey]);
    expect(await decodeSession(fresh, [key])).toEqual(session);
    expect(await decodeSession(fresh, [previousKey])).toBeNull();
  });

  it("refuses a cookie sealed with a key that is not configured at all", async () => {
    const unknown = await encodeSession(newSession(), Buffer.from("u".repeat(40)));
    expect(await decodeSession(unknown, [key, previousKey])).toBeNull();
  });

  it("refuses a share-link grants token presented as a session", async () => {
    const grants = await encodeGrants([{ linkId: "l1", runId: "r1" }], key);
    expect(await decodeSession(grants, key)).toBeNull();
  });

  it("reads a cookie of the earlier format (payload.HMAC) once, to be sealed again", async () => {
    const session = { ...newSession(), name: "Ada" };
    const payload = Buffer.from(JSON.stringify(session)).toString("base64url");
    const legacy = `${payload}.${createHmac("sha256", key).update(payload).digest("base64url")}`;
    expect(await readSessionCookie(legacy, key)).toEqual({ session, reseal: true });
    expect(await readSessionCookie(await encodeSession(session, key), key)).toEqual({
      session,
      reseal: false,
    });
    // Still only with a configured key, and never tampered.
    expect(await decodeSession(legacy, otherKey)).toBeNull();
    const forged = Buffer.from(JSON.stringify({ ...session, name: "Mallory" })).toString("base64url");
    expect(await decodeSession(`${forged}.${legacy.split(".")[1]}`, key)).toBeNull();
  });

  it("issues 128-bit random ids and names anonymous actors by a short id", () => {
    const a = newSession();
    const b = newSession();
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.id).not.toBe(b.id);
    expect(actorName(a)).toMatch(/^Anonymous admin \(/);
    expect(actorName({ ...a, name: "Grace" })).toBe("Grace");
  });
});

describe("keys from the environment", () => {
  it("seals with SESSION_SECRET and still opens cookies sealed with a SESSION_SECRET_PREVIOUS key", async () => {
    const saved = { current: process.env.SESSION_SECRET, previous: process.env.SESSION_SECRET_PREVIOUS };
    process.env.SESSION_SECRET = "n".repeat(40);
    process.env.SESSION_SECRET_PREVIOUS = ` ${"p".repeat(40)}, ${"q".repeat(40)} `;
    vi.resetModules();
    try {
      const fresh = await import("./session");
      expect(fresh.sessionKeys().map(String)).toEqual(["n".repeat(40), "p".repeat(40), "q".repeat(40)]);
      const session = newSession();
      const old = await fresh.encodeSession(session, Buffer.from("q".repeat(40)));
      expect(await fresh.decodeSession(old)).toEqual(session);
      expect(
        await fresh.decodeSession(await fresh.encodeSession(session), Buffer.from("n".repeat(40))),
      ).toEqual(session);
    } finally {
      for (const [name, value] of [
        ["SESSION_SECRET", saved.current],
        ["SESSION_SECRET_PREVIOUS", saved.previous],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      vi.resetModules();
    }
  });
});
