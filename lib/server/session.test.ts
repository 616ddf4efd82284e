import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { actorName, decodeSession, encodeSession, newSession } from "./session";

const key = Buffer.from("k".repeat(40));
const otherKey = Buffer.from("o".repeat(40));

describe("session cookie", () => {
  it("round-trips a session signed with the key", () => {
    const session = { ...newSession(), name: "Ada" };
    expect(decodeSession(encodeSession(session, key), key)).toEqual(session);
  });

  it("refuses a cookie signed with another key, a tampered payload, or garbage", () => {
    const value = encodeSession(newSession(), key);
    expect(decodeSession(value, otherKey)).toBeNull();
    const [payload, signature] = value.split(".");
    const forged = Buffer.from(JSON.stringify({ id: "A".repeat(22), name: "Mallory" })).toString("base64url");
    expect(decodeSession(`${forged}.${signature}`, key)).toBeNull();
    expect(decodeSession(`${payload}.`, key)).toBeNull();
    expect(decodeSession(`${payload}.${signature}.x`, key)).toBeNull();
    expect(decodeSession("not a cookie", key)).toBeNull();
    expect(decodeSession(undefined, key)).toBeNull();
    expect(decodeSession("x".repeat(5000), key)).toBeNull();
  });

  it("refuses a correctly signed payload of the wrong shape", () => {
    const payload = Buffer.from(JSON.stringify({ id: "short", name: null })).toString("base64url");
    const signature = createHmac("sha256", key).update(payload).digest("base64url");
    expect(decodeSession(`${payload}.${signature}`, key)).toBeNull();
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
