import { afterAll, describe, expect, it } from "vitest";
import { clientKey, parseTrustedProxies, PEER_ADDRESS_HEADER } from "@/lib/server/client-address";
import { createDatabase, type DatabaseHandle } from "@/lib/server/db";
import { type Bucket, DatabaseRateLimitStore, MemoryRateLimitStore } from "@/lib/server/rate-limit";
import { type Backend, postgresBackend } from "@/lib/testing/database-backends";

// Issue 15, hole 9: a client's address comes from X-Forwarded-For only through a trusted proxy, and on PostgreSQL
// the buckets are shared by every instance (two database handles play two instances).

function request(peer: string | null, forwardedFor?: string): Request {
  const headers: Record<string, string> = {};
  if (peer) headers[PEER_ADDRESS_HEADER] = peer;
  if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
  return new Request("http://wizard.test/share/x", { headers });
}

describe("the client address", () => {
  const none = parseTrustedProxies(undefined);
  const proxies = parseTrustedProxies("10.0.0.5, 192.168.10.0/24, fd00::/8");

  it("is the peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(clientKey(request("203.0.113.9", "198.51.100.1"), none)).toBe("203.0.113.9");
    expect(clientKey(request("::ffff:203.0.113.9", "1.1.1.1, 2.2.2.2"), none)).toBe("203.0.113.9");
  });

  it("is the right-most untrusted X-Forwarded-For entry when the peer is a trusted proxy", () => {
    expect(clientKey(request("10.0.0.5", "198.51.100.1"), proxies)).toBe("198.51.100.1");
    // The client wrote the left-most entry itself; the proxies' own entries are skipped.
    expect(clientKey(request("10.0.0.5", "6.6.6.6, 198.51.100.1, 192.168.10.7"), proxies)).toBe(
      "198.51.100.1",
    );
    // A peer that is not a listed proxy is the client, even with a header.
    expect(clientKey(request("203.0.113.9", "198.51.100.1"), proxies)).toBe("203.0.113.9");
  });

  it("groups an IPv6 client by its /64 and says unknown when the server stamped no peer", () => {
    expect(clientKey(request("2001:db8:1:2:aaaa::1"), none)).toBe("2001:db8:1:2::/64");
    expect(clientKey(request("2001:db8:1:2:bbbb:cccc:dddd:eeee"), none)).toBe("2001:db8:1:2::/64");
    expect(clientKey(request(null, "198.51.100.1"), none)).toBe("unknown");
  });

  it("refuses a malformed TRUSTED_PROXIES entry", () => {
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/not an IP address or CIDR range/);
    expect(() => parseTrustedProxies("proxy.internal")).toThrow(/proxy.internal/);
  });
});

const bucket: Bucket = { name: "test", capacity: 5, refillPerMinute: 5 };

describe("the memory store", () => {
  it("takes while attempts are left, then says how long to wait, and refills", async () => {
    let now = 0;
    const store = new MemoryRateLimitStore(() => now);
    for (let i = 0; i < 5; i++) expect(await store.take(bucket, "k")).toBe(0);
    expect(await store.take(bucket, "k")).toBe(12);
    expect(await store.retryAfter(bucket, "other")).toBe(0);
    now += 12_000;
    expect(await store.take(bucket, "k")).toBe(0);
  });
});

// Only PostgreSQL keeps buckets in the database (SQLite's file belongs to one process, which keeps them in memory).
const BACKENDS: Backend[] = [postgresBackend()];

describe.each(BACKENDS)("the database store on $name", (backend) => {
  describe.skipIf(backend.skip !== undefined)(backend.skip ?? "integration", () => {
    const handles: DatabaseHandle[] = [];
    afterAll(async () => {
      for (const handle of handles) await handle.close();
      await backend.cleanup();
    });

    async function twoInstances(): Promise<[DatabaseRateLimitStore, DatabaseRateLimitStore]> {
      if (backend.missing) throw new Error(backend.missing);
      const config = await backend.freshStore();
      const a = await createDatabase(config);
      const b = await createDatabase(config);
      handles.push(a, b);
      return [new DatabaseRateLimitStore(a.db, a.dialect), new DatabaseRateLimitStore(b.db, b.dialect)];
    }

    it("counts attempts on either instance against one bucket", async () => {
      const [a, b] = await twoInstances();
      for (let i = 0; i < 5; i++) expect(await (i % 2 ? a : b).take(bucket, "client-1")).toBe(0);
      expect(await a.take(bucket, "client-1")).toBeGreaterThan(0);
      expect(await b.retryAfter(bucket, "client-1")).toBeGreaterThan(0);
      expect(await b.retryAfter(bucket, "client-2")).toBe(0);
    });

    it("gives out exactly the capacity to 40 simultaneous takes from two instances", async () => {
      const [a, b] = await twoInstances();
      const waits = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take(bucket, "burst")),
      );
      expect(waits.filter((wait) => wait === 0)).toHaveLength(bucket.capacity);
    });
  });
});
