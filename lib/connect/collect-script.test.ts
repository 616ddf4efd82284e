import { describe, expect, it } from "vitest";
import { collectConnectScript, SERVICE_BUS_PROBES } from "./collect-script";
import { CONNECT_EVIDENCE_FORMAT } from "./evidence-schema";

const script = collectConnectScript();

describe("the Connect server collector script", () => {
  it("writes the sspr-writeback-connect/1 format with the schema's top-level fields", () => {
    expect(script).toContain(`format = '${CONNECT_EVIDENCE_FORMAT}'`);
    for (const field of [
      "collectedAt",
      "ComputerName",
      "DomainRole",
      "Cloud",
      "ConnectVersion",
      "Service",
      "Connectors",
      "PasswordResetConfiguration",
      "Events",
      "Tls12",
      "DotNetRelease",
      "ServiceBus",
      "RestrictRemoteSam",
    ])
      expect(script, field).toMatch(new RegExp(`^  ${field} = `, "m"));
    expect(script).not.toMatch(/FORMAT|COLLECTOR_VERSION|PROBES_/);
  });

  it("probes the Service Bus endpoints Microsoft names for each cloud on port 443", () => {
    expect(script).toContain(
      "AzureCloud = @('ssprdedicatedsbprodscu.servicebus.windows.net', 'ssprdedicatedsbprodncu.servicebus.windows.net')",
    );
    expect(script).toContain("AzureUSGovernment = @()");
    for (const host of SERVICE_BUS_PROBES.AzureChinaCloud) expect(script).toContain(`'${host}'`);
    expect(script).toContain("Test-NetConnection -ComputerName $hostName -Port 443");
  });

  it("only reads: no cmdlet that changes the server, the directory or the sync configuration", () => {
    // Set-StrictMode only affects the script's own session.
    const verbs = [
      ...script.replaceAll("Set-StrictMode", "").matchAll(/\b([A-Z][a-z]+)-[A-Z][A-Za-z]+\b/g),
    ].map((m) => m[1]);
    const changing = verbs.filter((v) =>
      /^(Set|New|Remove|Add|Start|Stop|Restart|Enable|Disable|Invoke|Clear|Register)$/.test(v ?? ""),
    );
    // New-Object builds the file's encoder, nothing on the server.
    expect(changing.filter((v) => v !== "New")).toEqual([]);
    expect([...script.matchAll(/\bNew-[A-Za-z]+/g)].map((m) => m[0])).toEqual(["New-Object"]);
  });

  it("copies only the sign-in account of each connector, never its other parameters", () => {
    expect(script).toContain("$keep = @('forest-name', 'forest-login-user', 'forest-login-domain')");
    // The connector's encrypted credentials live in the ADSync database; the script never opens it.
    expect(script).not.toMatch(/GetActiveCredentialKey|encrypted_configuration|mms_management_agent|mcrypt/);
  });

  it("quotes every comma list of names (the PowerShell parser refuses bare words there)", () => {
    for (const line of script.split("\n")) {
      const list = /-(?:Property|Properties|ProviderName)\s+([^|;{}]+)/.exec(line)?.[1];
      if (list && list.includes(","))
        expect(line).toMatch(/-(Property|Properties)\s+'[^']+'(\s*,\s*'[^']+')+/);
    }
    expect(script).toContain("Group-Object -Property 'ProviderName', 'Id'");
  });
});
