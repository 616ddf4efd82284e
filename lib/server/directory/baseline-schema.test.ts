import { describe, expect, it } from "vitest";
import { BaselineBuilder } from "@/lib/directory/delta";
import { type DomainRecord } from "@/lib/directory/port";
import { baselineSchema } from "./artifacts";

describe("the stored delta baseline (directory artifacts)", () => {
  it("reads back what a full scan keeps, and refuses a body that is not one", () => {
    const b = new BaselineBuilder();
    b.addAbove("DC=contoso,DC=test", new Uint8Array([1, 0, 4, 0x80]));
    b.addContainer({
      dn: "OU=Corp,DC=contoso,DC=test",
      guid: "ab".repeat(16),
      sd: "O:DAD:(A;;RP;;;AU)",
      objectClass: [],
    });
    const user = {
      dn: "CN=A,OU=Corp,DC=contoso,DC=test",
      guid: "cd".repeat(16),
      sd: null,
      objectClass: ["user"],
      sid: null,
      userAccountControl: 512,
      adminCount: null,
      tokenGroups: null,
    };
    b.addUser(user, {
      ready: false,
      changePassword: false,
      findings: [{ code: "sd-unreadable", severity: "error", dn: user.dn, reason: "r", remediation: "x" }],
      unsettled: false,
    });
    const baseline = b.build({
      mark: {
        server: "CN=NTDS Settings,CN=DC1",
        dnsHostName: "dc1",
        invocationId: "ef".repeat(16),
        highestCommittedUsn: "4016",
      },
      markedAt: "2026-12-06T10:42:00.000Z",
      describe: "LDAPS to dc1:636 as CN=svc",
      domain: { dn: "DC=contoso,DC=test", sid: "S-1-5-21-1-2-3" } as DomainRecord,
      scope: ["DC=contoso,DC=test"],
      connector: {
        dn: "CN=MSOL_1,CN=Users,DC=contoso,DC=test",
        sid: "S-1-5-21-1-2-3-1106",
        tokenGroups: ["S-1-5-11"],
      },
    });
    expect(baseline).not.toBeNull();
    const parsed = baselineSchema.safeParse(JSON.parse(JSON.stringify(baseline)));
    expect(parsed.success).toBe(true);
    expect(parsed.data?.users[0]?.f?.[0]?.code).toBe("sd-unreadable");
    expect(
      baselineSchema.safeParse({ ...baseline, mark: { ...baseline!.mark, highestCommittedUsn: "-1" } })
        .success,
    ).toBe(false);
  });

  it("is not kept when an object came without objectGUID (no delta can follow it)", () => {
    const b = new BaselineBuilder();
    b.addContainer({ dn: "OU=Corp,DC=contoso,DC=test", sd: null, objectClass: [] });
    expect(b.unusable).toMatch(/no objectGUID/);
  });
});
