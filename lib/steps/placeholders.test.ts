import { describe, expect, it } from "vitest";
import { getStep } from "./catalogue";
import { DSACLS_GRANT } from "./catalogue/fragments";
import {
  directoryValues,
  domainDnOf,
  fillPlaceholders,
  fqdnOf,
  hasDirectoryPlaceholders,
} from "./placeholders";

const connector = {
  name: "CONTOSO\\MSOL_d351318b693c",
  dn: "CN=MSOL_d351318b693c,CN=Users,DC=contoso,DC=test",
};
const values = directoryValues(connector);

describe("the admin's values in place of placeholders", () => {
  it("derives account, NetBIOS name, DNS name and domain DN from the confirmed connector", () => {
    expect(values).toEqual({
      "connector account": "CONTOSO\\MSOL_d351318b693c",
      DOMAIN: "CONTOSO",
      ACCOUNT: "MSOL_d351318b693c",
      domainDN: "DC=contoso,DC=test",
      DOMAIN_FQDN: "contoso.test",
      domain: "contoso.test",
    });
    expect(directoryValues(null)).toEqual({});
  });

  it("fills the dsacls line completely", () => {
    const filled = fillPlaceholders(DSACLS_GRANT, values);
    expect(filled.missing).toEqual([]);
    expect(filled.text).toBe(
      String.raw`dsacls "DC=contoso,DC=test" /G "CONTOSO\MSOL_d351318b693c:CA;Reset Password;user" "CONTOSO\MSOL_d351318b693c:WP;lockoutTime;user" "CONTOSO\MSOL_d351318b693c:WP;pwdLastSet;user" /I:S`,
    );
  });

  it("fills the catalogue's scripts and attestation sentences; only what the run cannot know is left", () => {
    const step = getStep("connector-permissions");
    for (const hint of step.scriptHints ?? []) {
      const filled = fillPlaceholders(hint.script, values);
      expect(filled.text, hint.title).not.toMatch(/<(ACCOUNT|DOMAIN|DOMAIN_FQDN|domainDN)>/);
    }
    expect(fillPlaceholders(step.attestationPrompt!, values).text).toMatch(
      /^I granted CONTOSO\\MSOL_d351318b693c Reset password/,
    );
    const connect = fillPlaceholders(getStep("connect-writeback").attestationPrompt!, values);
    expect(connect.missing).toEqual(["server"]);
    expect(connect.text).toContain("<server>");
  });

  it("splits text into segments, marking the placeholders left", () => {
    const filled = fillPlaceholders("Run on <server> as <ACCOUNT>, then <server> again.", {
      ACCOUNT: "MSOL_1",
    });
    expect(filled.segments).toEqual([
      { kind: "text", text: "Run on " },
      { kind: "placeholder", name: "server", value: null },
      { kind: "text", text: " as " },
      { kind: "placeholder", name: "ACCOUNT", value: "MSOL_1" },
      { kind: "text", text: ", then " },
      { kind: "placeholder", name: "server", value: null },
      { kind: "text", text: " again." },
    ]);
    expect(filled.missing).toEqual(["server"]);
    expect(filled.text).toBe("Run on <server> as MSOL_1, then <server> again.");
  });

  it("leaves text without placeholders, comparisons and blank values alone", () => {
    expect(fillPlaceholders("if ($a -lt 2) { 1 } # 2>&1", values)).toEqual({
      text: "if ($a -lt 2) { 1 } # 2>&1",
      segments: [{ kind: "text", text: "if ($a -lt 2) { 1 } # 2>&1" }],
      missing: [],
    });
    expect(fillPlaceholders("<ACCOUNT>", { ACCOUNT: "  " }).missing).toEqual(["ACCOUNT"]);
  });

  it("reads domains from DNs", () => {
    expect(domainDnOf("CN=Smith\\, Ann,OU=X,DC=a,DC=b")).toBe("DC=a,DC=b");
    expect(domainDnOf("CN=x,OU=y")).toBeNull();
    expect(fqdnOf("DC=corp,DC=contoso,DC=com")).toBe("corp.contoso.com");
  });

  it("knows which texts the run's directory values can fill", () => {
    expect(hasDirectoryPlaceholders(DSACLS_GRANT)).toBe(true);
    expect(hasDirectoryPlaceholders(getStep("connector-permissions").attestationPrompt!)).toBe(true);
    expect(hasDirectoryPlaceholders(getStep("connect-writeback").attestationPrompt!)).toBe(false);
    expect(hasDirectoryPlaceholders("Get-ADSyncConnector")).toBe(false);
  });
});
