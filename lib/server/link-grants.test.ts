import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeGrants, encodeGrants, MAX_GRANTS, withGrant, type LinkGrant } from "./link-grants";
import { encodeSession, newSession } from "./session";

const key = Buffer.from("k".repeat(40));
const previousKey = Buffer.from("p".repeat(40));
const grants: LinkGrant[] = [
  { linkId: "link-1", runId: "run-1" },
  { linkId: "link-2", runId: "run-2" },
];

afterEach(() => {
  vi.useRealTimers();
});

describe("share-link grants cookie", () => {
  it("round-trips the grants signed with the key", async () => {
    expect(await decodeGrants(await encodeGrants(grants, key), key)).toEqual(grants);
  });

  it("refuses a tampered cookie, another key's cookie and garbage", async () => {
    const value = await encodeGrants(grants, key);
    const [header, payload, signature] = value.split(".");
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")),
        g: [{ l: "x", r: "y" }],
      }),
    ).toString("base64url");
    expect(await decodeGrants(`${header}.${forged}.${signature}`, key)).toEqual([]);
    expect(await decodeGrants(await encodeGrants(grants, Buffer.from("o".repeat(40))), key)).toEqual([]);
    expect(await decodeGrants("not a cookie", key)).toEqual([]);
    expect(await decodeGrants(undefined, key)).toEqual([]);
    expect(await decodeGrants("x".repeat(5000), key)).toEqual([]);
  });

  it("refuses an expired cookie", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 91 * 24 * 60 * 60 * 1000);
    const value = await encodeGrants(grants, key);
    vi.useRealTimers();
    expect(await decodeGrants(value, key)).toEqual([]);
  });

  it("accepts a previous key while it is listed, and no unknown key", async () => {
    const old = await encodeGrants(grants, previousKey);
    expect(await decodeGrants(old, [key, previousKey])).toEqual(grants);
    expect(await decodeGrants(old, [key])).toEqual([]);
  });

  it("refuses a session token presented as grants", async () => {
    const session = await encodeSession(newSession(), key);
    expect(await decodeGrants(session, key)).toEqual([]);
  });

  it("keeps one grant per run and at most MAX_GRANTS", async () => {
    let all: LinkGrant[] = [];
    for (let i = 0; i < MAX_GRANTS + 5; i++) all = withGrant(all, { linkId: `l${i}`, runId: `r${i}` });
    expect(all).toHaveLength(MAX_GRANTS);
    expect(withGrant(all, { linkId: "new", runId: `r${MAX_GRANTS + 4}` }).at(-1)).toEqual({
      linkId: "new",
      runId: `r${MAX_GRANTS + 4}`,
    });
    const value = await encodeGrants(all, key);
    expect(value.length).toBeLessThan(4096);
    expect(await decodeGrants(value, key)).toEqual(all);
  });
});
