// LDAP helpers shared by the lab seed and the integration tests.
//
// TLS is always verified: the lab CA is trusted explicitly and the server name is checked against
// the certificate (Samba's self-signed certificate names the DC host, not 127.0.0.1). There is no
// code path with rejectUnauthorized:false, on purpose — a lab that only works with verification
// off would teach the product to turn it off.

import { readFileSync } from "node:fs";
import { Attribute, BerWriter, Change, Client, Control, ResultCodeError } from "ldapts";

import { sidFromBytes } from "./sd-codec";

/** LDAP_SERVER_SD_FLAGS_OID (MS-ADTS 3.1.1.3.4.1.11). */
export const SD_FLAGS_OID = "1.2.840.113556.1.4.801";
export const SD_FLAGS_OWNER = 0x1;
export const SD_FLAGS_GROUP = 0x2;
export const SD_FLAGS_DACL = 0x4;
export const SD_FLAGS_SACL = 0x8;

/** LDAP result codes the lab and tests branch on (RFC 4511 4.1.9). */
export const LDAP_INSUFFICIENT_ACCESS = 50;
export const LDAP_ENTRY_ALREADY_EXISTS = 68;
export const LDAP_NO_SUCH_OBJECT = 32;

/**
 * The SD flags control: value is BER SEQUENCE { INTEGER flags }.
 * Without it the server asks for the SACL too, and a non-admin then gets no descriptor at all
 * (MS-ADTS 3.1.1.3.4.1.11); with it a write replaces only the parts named by the flags.
 * ldapts ships no such control, hence this small subclass.
 */
export class SdFlagsControl extends Control {
  public readonly flags: number;

  public constructor(flags = SD_FLAGS_OWNER | SD_FLAGS_GROUP | SD_FLAGS_DACL, critical = true) {
    super(SD_FLAGS_OID, { critical });
    this.flags = flags;
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(this.flags);
    value.endSequence();
    writer.writeBuffer(value.buffer, 0x04);
  }
}

export interface LdapsConnectOptions {
  url: string;
  /** PEM text of the CA to trust, or a path to it. */
  ca: { pem: string } | { file: string };
  /** Name the certificate must carry (CN/SAN), e.g. `VM.contoso.test`. */
  serverName: string;
  timeoutMs?: number;
}

/** A client whose TLS trusts exactly the given CA and checks the server name. */
export function createLdapsClient(options: LdapsConnectOptions): Client {
  const pem = "pem" in options.ca ? options.ca.pem : readFileSync(options.ca.file, "utf8");
  return new Client({
    url: options.url,
    timeout: options.timeoutMs ?? 30_000,
    connectTimeout: options.timeoutMs ?? 10_000,
    tlsOptions: { ca: [pem], servername: options.serverName, minVersion: "TLSv1.2" },
  });
}

/** Connects and simple-binds; unbinds again if the bind fails so no socket leaks. */
export async function bindLdaps(options: LdapsConnectOptions, dn: string, password: string): Promise<Client> {
  const client = createLdapsClient(options);
  try {
    await client.bind(dn, password);
    return client;
  } catch (error) {
    await client.unbind().catch(() => undefined);
    throw error;
  }
}

/** The LDAP result code of an ldapts error, or undefined for transport/TLS errors. */
export function ldapResultCode(error: unknown): number | undefined {
  return error instanceof ResultCodeError ? error.code : undefined;
}

/** RFC 4514 2.4: escape a value for use inside an RDN. */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/\0/g, "\\00");
  if (out.startsWith(" ") || out.startsWith("#")) out = `\\${out}`;
  if (out.endsWith(" ") && !out.endsWith("\\ ")) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** RFC 4515 3: escape a value for use inside a search filter. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** unicodePwd wants the password in double quotes, UTF-16LE (MS-ADTS 3.1.1.3.1.5). */
export function encodeUnicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, "utf16le");
}

/** Replace of unicodePwd = a password *reset* (needs the Reset Password right, not the old one). */
export function unicodePwdReplace(password: string): Change {
  return new Change({
    operation: "replace",
    modification: new Attribute({ type: "unicodePwd", values: [encodeUnicodePwd(password)] }),
  });
}

export function replaceChange(type: string, values: string[] | Buffer[]): Change {
  return new Change({ operation: "replace", modification: new Attribute({ type, values }) });
}

function firstBuffer(value: unknown): Buffer | undefined {
  if (Buffer.isBuffer(value)) return value;
  if (Array.isArray(value) && Buffer.isBuffer(value[0])) return value[0] as Buffer;
  return undefined;
}

function buffers(value: unknown): Buffer[] {
  if (Buffer.isBuffer(value)) return [value];
  if (Array.isArray(value)) return value.filter((v): v is Buffer => Buffer.isBuffer(v));
  return [];
}

/** Reads nTSecurityDescriptor (binary, self-relative) with the SD flags control. */
export async function readSecurityDescriptor(
  client: Client,
  dn: string,
  flags = SD_FLAGS_OWNER | SD_FLAGS_GROUP | SD_FLAGS_DACL,
): Promise<Uint8Array> {
  const { searchEntries } = await client.search(
    dn,
    {
      scope: "base",
      filter: "(objectClass=*)",
      attributes: ["nTSecurityDescriptor"],
      explicitBufferAttributes: ["nTSecurityDescriptor"],
    },
    new SdFlagsControl(flags),
  );
  const bytes = firstBuffer(searchEntries[0]?.nTSecurityDescriptor);
  if (!bytes) throw new Error(`No nTSecurityDescriptor returned for ${dn} (no read access?)`);
  return new Uint8Array(bytes);
}

/**
 * Replaces the parts of nTSecurityDescriptor named by `flags` (default: DACL only, so the owner,
 * group and SACL stay as they are). The server recomputes inherited ACEs and propagates to children.
 */
export async function writeSecurityDescriptor(
  client: Client,
  dn: string,
  sd: Uint8Array,
  flags = SD_FLAGS_DACL,
): Promise<void> {
  await client.modify(
    dn,
    replaceChange("nTSecurityDescriptor", [Buffer.from(sd)]),
    new SdFlagsControl(flags),
  );
}

/** objectSid of one entry, as a string. */
export async function readObjectSid(client: Client, dn: string): Promise<string> {
  const { searchEntries } = await client.search(dn, {
    scope: "base",
    filter: "(objectClass=*)",
    attributes: ["objectSid"],
    explicitBufferAttributes: ["objectSid"],
  });
  const bytes = firstBuffer(searchEntries[0]?.objectSid);
  if (!bytes) throw new Error(`No objectSid for ${dn}`);
  return sidFromBytes(new Uint8Array(bytes)).sid;
}

/**
 * tokenGroups: the transitive group SIDs of an account. Constructed attribute; both Windows and
 * Samba only return it for a *base* search (MS-ADTS 3.1.1.4.5.19).
 */
export async function readTokenGroups(client: Client, dn: string): Promise<string[]> {
  const { searchEntries } = await client.search(dn, {
    scope: "base",
    filter: "(objectClass=*)",
    attributes: ["tokenGroups"],
    explicitBufferAttributes: ["tokenGroups"],
  });
  return buffers(searchEntries[0]?.tokenGroups).map((b) => sidFromBytes(new Uint8Array(b)).sid);
}

/** Whether an entry exists (base search; noSuchObject means no). */
export async function entryExists(client: Client, dn: string): Promise<boolean> {
  try {
    const { searchEntries } = await client.search(dn, {
      scope: "base",
      filter: "(objectClass=*)",
      attributes: ["1.1"],
    });
    return searchEntries.length > 0;
  } catch (error) {
    if (ldapResultCode(error) === LDAP_NO_SUCH_OBJECT) return false;
    throw error;
  }
}

/** Adds an entry; an already existing one is fine (the seed is idempotent). Returns whether it was created. */
export async function addIfMissing(
  client: Client,
  dn: string,
  attributes: Attribute[] | Record<string, string | string[]>,
): Promise<boolean> {
  try {
    await client.add(dn, attributes);
    return true;
  } catch (error) {
    if (ldapResultCode(error) === LDAP_ENTRY_ALREADY_EXISTS) return false;
    throw error;
  }
}
