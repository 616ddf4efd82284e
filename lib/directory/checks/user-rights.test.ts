import { describe, expect, it } from "vitest";
import { DirectoryScanner, type ScanSettings } from "../scan";
import { SnapshotDirectory } from "../snapshot";
import { fixtureSnapshot } from "../testing/fixture";

// Members of protected groups are not written back by design, and Microsoft advises against stamping the connector's
// rights on AdminSDHolder (how-to-connect-configure-ad-ds-connector-account): the finding must not offer it.

const settings: ScanSettings = { connector: null, confirmedConnectorDn: null, scope: [] };

describe("protected accounts", () => {
  it("are left alone by design and AdminSDHolder is not offered as a way round", async () => {
    const result = await new DirectoryScanner(new SnapshotDirectory(fixtureSnapshot()), settings).run(
      "connector-permissions",
    );
    const finding = result.findings.find(
      (f) => f.code === "protected-account" && f.dn.startsWith("CN=Priya"),
    );
    expect(finding?.reason).toMatch(/fails by design/);
    expect(finding?.remediation).not.toMatch(/AdminSDHolder is possible/);
    expect(finding?.remediation).toMatch(/Do not delegate the connector's rights on AdminSDHolder/);
  });
});
