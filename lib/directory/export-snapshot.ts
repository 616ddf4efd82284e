// Writes what a Directory port reads as a snapshot (the format of snapshot.ts): the same data the PowerShell
// collector gathers, with descriptors as SDDL. Used to prove that LDAP and snapshot give the same verdicts, and to
// keep a record of a live scan.

import { formatSddl } from "@/lib/ad/sddl";
import { toModel } from "./checks/sd";
import { type DirectoryPort, type SdBlob } from "./port";
import { SNAPSHOT_FORMAT, type Snapshot } from "./snapshot";

function sddlOf(sd: SdBlob | null, domainSid: string): string | null {
  if (sd === null) return null;
  if (typeof sd === "string") return sd;
  const model = toModel(sd, domainSid);
  return formatSddl({ ...model, sacl: null, control: model.control & ~0x10 }, { domainSid });
}

export async function exportSnapshot(
  port: DirectoryPort,
  options: { connector: string | null; scope: string[]; now?: Date },
): Promise<Snapshot> {
  const domains = await port.domains();
  const first = domains[0];
  const connectorAccount = options.connector
    ? await port.findAccount(options.connector)
    : first
      ? ((await port.connectorCandidates(first.dn))[0] ?? null)
      : null;
  const out: Snapshot = {
    format: SNAPSHOT_FORMAT,
    collectedAt: (options.now ?? new Date()).toISOString(),
    connector: connectorAccount
      ? {
          name: connectorAccount.name,
          dn: connectorAccount.dn,
          sid: connectorAccount.sid,
          tokenGroups: connectorAccount.tokenGroups,
          objectClass: connectorAccount.objectClass,
        }
      : null,
    domains: [],
  };
  for (const d of domains) {
    const bases = options.scope.length > 0 ? options.scope : [d.dn];
    const containers: Snapshot["domains"][number]["containers"] = [];
    for await (const page of port.containers(d.dn))
      for (const c of page)
        containers.push({ dn: c.dn, sd: sddlOf(c.sd, d.sid), objectClass: c.objectClass });
    const users: Snapshot["domains"][number]["users"] = [];
    for (const base of bases) {
      for await (const page of port.users(base)) {
        for (const u of page) {
          users.push({
            dn: u.dn,
            sid: u.sid,
            sd: sddlOf(u.sd, d.sid),
            objectClass: u.objectClass,
            userAccountControl: u.userAccountControl,
            adminCount: u.adminCount,
            tokenGroups: u.tokenGroups,
          });
        }
      }
    }
    out.domains.push({
      dn: d.dn,
      dnsName: d.dnsName,
      netbiosName: d.netbiosName,
      sid: d.sid,
      sd: sddlOf(d.sd, d.sid) ?? "",
      minPwdAge: d.minPwdAge,
      passwordSettingsObjects: d.passwordSettingsObjects?.map((p) => ({ ...p })) ?? null,
      rootDse: { supportedControl: d.supportedControl },
      // Each DC's own controls where the port can ask it, as the collector records them.
      domainControllers: (port.readDomainControllerControls
        ? await port.readDomainControllerControls(d.domainControllers)
        : d.domainControllers
      ).map((dc) => ({ ...dc })),
      containers,
      users,
      samServer: d.samServerSd ? { sd: sddlOf(d.samServerSd, d.sid) } : null,
      preWindows2000Members: d.preWindows2000Members,
    });
  }
  return out;
}
