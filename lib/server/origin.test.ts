import { chmodSync, mkdtempSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDatabase } from "@/lib/server/db";
import { assertSameOrigin } from "./http";
import { publicOriginNotice } from "./startup";

// The Origin check of every write, and what the server says at start about it. Without PUBLIC_ORIGIN the wizard
// cannot know the address people use; it trusts the Host header only when that names this machine (loopback),
// and compares the scheme as well as the host.

function request(headers: Record<string, string>, url = "http://localhost:3000/api/runs") {
  return new Request(url, { method: "POST", headers });
}

function allowed(headers: Record<string, string>, publicOrigin?: string, url?: string): boolean {
  try {
    assertSameOrigin(request(headers, url), publicOrigin);
    return true;
  } catch {
    return false;
  }
}

describe("assertSameOrigin without PUBLIC_ORIGIN", () => {
  it.each([
    ["localhost:3000", "http://localhost:3000"],
    ["127.0.0.1:3100", "http://127.0.0.1:3100"],
    ["[::1]:3000", "http://[::1]:3000"],
  ])("trusts a loopback Host %s with the same scheme", (host, origin) => {
    expect(allowed({ host, origin }, undefined, `http://${host}/api/runs`)).toBe(true);
  });

  it("refuses another scheme on the same host", () => {
    expect(allowed({ host: "localhost:3000", origin: "https://localhost:3000" })).toBe(false);
  });

  it("does not trust a Host that is not loopback, even when Origin matches it", () => {
    expect(
      allowed(
        { host: "wizard.contoso.com", origin: "http://wizard.contoso.com" },
        undefined,
        "http://wizard.contoso.com/api/runs",
      ),
    ).toBe(false);
    // DNS rebinding: a foreign name pointed at this machine.
    expect(
      allowed(
        { host: "evil.example:3000", origin: "http://evil.example:3000" },
        undefined,
        "http://evil.example:3000/x",
      ),
    ).toBe(false);
  });

  it("still lets requests without Origin through (no browser, no ambient cookies), and refuses Origin: null", () => {
    expect(allowed({ host: "wizard.contoso.com" })).toBe(true);
    expect(allowed({ host: "localhost:3000", origin: "null" })).toBe(false);
  });
});

describe("assertSameOrigin with PUBLIC_ORIGIN", () => {
  const configured = "https://wizard.contoso.com";
  it("accepts exactly that origin, scheme included", () => {
    expect(allowed({ host: "10.0.0.5:3000", origin: "https://wizard.contoso.com" }, configured)).toBe(true);
    expect(allowed({ host: "10.0.0.5:3000", origin: "http://wizard.contoso.com" }, configured)).toBe(false);
    expect(allowed({ host: "10.0.0.5:3000", origin: "https://wizard.contoso.com:8443" }, configured)).toBe(
      false,
    );
    expect(allowed({ host: "wizard.contoso.com", origin: "http://localhost:3000" }, configured)).toBe(false);
  });
});

describe("publicOriginNotice", () => {
  it("speaks when PUBLIC_ORIGIN is unset and the bind address is not loopback", () => {
    expect(publicOriginNotice({ PUBLIC_ORIGIN: undefined, HOSTNAME_BIND: undefined })).toMatch(
      /PUBLIC_ORIGIN/,
    );
    expect(publicOriginNotice({ PUBLIC_ORIGIN: undefined, HOSTNAME_BIND: "0.0.0.0" })).toMatch(
      /PUBLIC_ORIGIN/,
    );
    expect(publicOriginNotice({ PUBLIC_ORIGIN: undefined, HOSTNAME_BIND: "localhost" })).toBeNull();
    expect(publicOriginNotice({ PUBLIC_ORIGIN: undefined, HOSTNAME_BIND: "127.0.0.1" })).toBeNull();
    expect(publicOriginNotice({ PUBLIC_ORIGIN: undefined, HOSTNAME_BIND: "::1" })).toBeNull();
    expect(
      publicOriginNotice({ PUBLIC_ORIGIN: "https://wizard.contoso.com", HOSTNAME_BIND: "0.0.0.0" }),
    ).toBeNull();
  });
});

describe("the SQLite database file", () => {
  it("is created 0600, and so are its -wal and -shm", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "wizard-perm-")), "data", "wizard.db");
    const handle = await createDatabase({ file });
    try {
      await handle.db.selectFrom("runs").select("id").execute();
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        expect(existsSync(path), path).toBe(true);
        expect((statSync(path).mode & 0o777).toString(8), path).toBe("600");
      }
    } finally {
      await handle.close();
    }
  });

  it("tightens an existing file that others could read", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "wizard-perm-")), "wizard.db");
    writeFileSync(file, "");
    chmodSync(file, 0o644);
    const handle = await createDatabase({ file });
    await handle.close();
    expect((statSync(file).mode & 0o777).toString(8)).toBe("600");
  });
});
