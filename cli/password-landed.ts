// `sspr-writeback password-landed`: did a user's password change in Active Directory at or after a given time? The
// same question the end-to-end test's on-premises leg asks, for a person who reset a password some other way (the
// portal, SSPR) and wants to see it arrive. It reads unicodePwd's originating change time in replPropertyMetaData,
// not pwdLastSet: an admin reset leaves pwdLastSet at 0 ("must change at next logon"), which says nothing about when.
// Exit status: 0 landed, 1 not landed, 2 could not check.

import { parseArgs } from "node:util";
import { z } from "zod";
import { isSid } from "../lib/ad/sid";
import { DirectoryError, isDirectoryError } from "../lib/directory/errors";
import { openDirectory } from "../lib/directory/forest";
import { installLdaptsParsePatch } from "../lib/directory/ldapts-parse-patch";
import { type DirectoryPort, type OnPremisesUser } from "../lib/directory/port";
import { type PasswordLanding, passwordLanding } from "../lib/directory/user-state";
import { CLOCK_SKEW_MS, whenInWords } from "../lib/verify/verdicts/tenant";
import { openPort, parseVerifyArgs } from "./verify";

export const PASSWORD_LANDED_USAGE = `Usage: sspr-writeback password-landed --user <sAMAccountName | DN | SID> --since <ISO time>
                                      (--lab | --ldap-url <url> --bind-dn <dn> --bind-password-file <file>
                                       [--ca-file <pem>] [--server-name <name>] [--base-dn <dn>]) [--json]

  --user <id>                 the user: sAMAccountName (or DOMAIN\\name, user@domain), distinguished name or SID
  --since <time>              ISO 8601 time, e.g. 2026-12-06T10:40:00Z: "landed" means the password itself changed
                              at or after it (less ${CLOCK_SKEW_MS / 60_000} minutes for clocks that disagree)
  --lab                       read the local Samba lab with its read-only wizard account (after \`lab up\`)
  --ldap-url … --base-dn      the directory connection, as for \`sspr-writeback verify\` (a read-only account will do)
  --domains all|<dns,…>       also look in these domains of the forest
  --connect-timeout <ms>      connect + TLS + bind budget (default 5000)
  --timeout <ms>              per-operation budget (default 60000)
  --json                      print {"landed","at","mustChangeAtNextLogon","passwordNeverExpires"}

It reads when the password itself last changed (the unicodePwd stamp in the user's replication metadata) and, beside
it, whether the user must change it at the next sign-in (pwdLastSet 0, what an admin reset from the cloud asks for)
and whether the password never expires.

Exit status: 0 landed, 1 not landed, 2 could not check.
`;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const ownSchema = z.object({
  user: z
    .string({ error: "is required (a sAMAccountName, DN or SID)" })
    .trim()
    .min(1, "is required (a sAMAccountName, DN or SID)")
    .max(1024, "is too long")
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters")
    // A DN starts with an attribute type and "="; anything else with "=" in it is no name the wizard can look up.
    .refine(
      (s) => !s.includes("=") || /^[A-Za-z][A-Za-z0-9-]*=[^=]/.test(s),
      "is neither a sAMAccountName, a distinguished name (CN=…,DC=…) nor a SID",
    ),
  since: z
    .string({ error: "is required (an ISO 8601 time such as 2026-12-06T10:40:00Z)" })
    .trim()
    .refine(
      (s) => ISO_TIME.test(s) && Number.isFinite(Date.parse(s)),
      "must be an ISO 8601 time such as 2026-12-06T10:40:00Z",
    )
    .transform((s) => new Date(s)),
  lab: z.boolean().default(false),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});

const CONNECTION_FLAGS = [
  "ldap-url",
  "bind-dn",
  "bind-password-file",
  "ca-file",
  "server-name",
  "base-dn",
  "domains",
  "connect-timeout",
  "timeout",
] as const;

export interface PasswordLandedArgs {
  user: string;
  since: Date;
  lab: boolean;
  json: boolean;
  help: boolean;
  /** The connection flags, passed on to verify's parser (the same rules and messages). */
  connection: string[];
}

export function parsePasswordLandedArgs(args: string[]): PasswordLandedArgs {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      user: { type: "string" },
      since: { type: "string" },
      lab: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      ...Object.fromEntries(CONNECTION_FLAGS.map((f) => [f, { type: "string" as const }])),
    },
  });
  if (values.help)
    return { user: "", since: new Date(0), lab: false, json: false, help: true, connection: [] };
  const parsed = ownSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`--${issue?.path.join(".") ?? "?"} ${issue?.message ?? "is invalid"}.`);
  }
  const connection = CONNECTION_FLAGS.flatMap((f) => {
    const v = (values as Record<string, unknown>)[f];
    return typeof v === "string" ? [`--${f}`, v] : [];
  });
  if (parsed.data.lab && connection.some((a) => a === "--ldap-url" || a === "--bind-dn"))
    throw new Error("--lab reads the lab's own connection; leave out --ldap-url and --bind-dn.");
  if (!parsed.data.lab) {
    if (!connection.includes("--ldap-url"))
      throw new Error("--ldap-url is required (or --lab for the local Samba lab).");
    // verify's parser checks the connection flags with the same messages (a snapshot holds no password stamps).
    parseVerifyArgs(connection);
  }
  return { ...parsed.data, connection };
}

export interface LandedAnswer extends PasswordLanding {
  user: OnPremisesUser;
}

/**
 * Finds the user (SID directly; DN, sAMAccountName or UPN through the account lookup, whose filter values are
 * escaped) and judges the landing. A user who is absent, or whose metadata the server did not return, is a
 * DirectoryError: the question could not be answered.
 */
export async function checkLanding(port: DirectoryPort, user: string, since: Date): Promise<LandedAnswer> {
  if (!port.findUserBySid)
    throw new DirectoryError(
      "configuration",
      "This directory source cannot read password stamps.",
      "Connect over LDAP.",
    );
  let sid: string | null = isSid(user) ? user : null;
  if (!sid) {
    const account = await port.findAccount(user);
    if (!account)
      throw new DirectoryError("not-found", `No account “${user}” was found.`, "Check the name, DN or SID.");
    sid = account.sid;
  }
  const found = await port.findUserBySid(sid);
  if (!found)
    throw new DirectoryError(
      "not-found",
      `No user with SID ${sid} was found.`,
      "Check the SID, and that the connection reads the user's domain (--domains).",
    );
  // No stamp at all means the password was never set; no metadata means the server kept it from us.
  if (
    found.passwordSetAt === null &&
    found.passwordSetAtError &&
    !/no unicodePwd stamp/.test(found.passwordSetAtError)
  )
    throw new DirectoryError(
      "insufficient-access",
      `Cannot tell when the password of ${found.dn} last changed: ${found.passwordSetAtError}.`,
      "Read it with an account that may read the user's replPropertyMetaData.",
    );
  return { ...passwordLanding(found, since, CLOCK_SKEW_MS), user: found };
}

export function formatLanding(answer: LandedAnswer, since: Date): string {
  const lines: string[] = [];
  const dn = answer.user.dn;
  if (answer.landed && answer.at)
    lines.push(
      `Landed: the password of ${dn} changed at ${whenInWords(answer.at)}, after ${whenInWords(since)}.`,
    );
  else if (answer.at)
    lines.push(
      `Not landed: the password of ${dn} last changed at ${whenInWords(answer.at)}, before ${whenInWords(since)}.`,
    );
  else lines.push(`Not landed: the password of ${dn} has never been set.`);
  if (answer.passwordNeverExpires)
    lines.push(
      "The password never expires, so Active Directory does not ask for a new one at the next sign-in, even after an admin reset.",
    );
  else if (answer.mustChangeAtNextLogon)
    lines.push("The user must change the password at the next sign-in (pwdLastSet 0).");
  return `${lines.join("\n")}\n`;
}

async function open(args: PasswordLandedArgs): Promise<DirectoryPort> {
  if (args.lab) {
    // Loaded only here: the lab's settings module reads files under .lab when used.
    const { labWizardConnection, loadLabSettings } = await import("../lab/settings");
    let settings;
    try {
      settings = loadLabSettings();
    } catch (error) {
      throw new DirectoryError(
        "configuration",
        error instanceof Error ? error.message : String(error),
        "Start the lab with `sspr-writeback lab up`.",
      );
    }
    return openDirectory(labWizardConnection(settings));
  }
  return openPort(parseVerifyArgs(args.connection));
}

export async function run(argv: string[]): Promise<number> {
  let args: PasswordLandedArgs;
  try {
    args = parsePasswordLandedArgs(argv);
  } catch (error) {
    process.stderr.write(
      `${error instanceof Error ? error.message : String(error)}\n\n${PASSWORD_LANDED_USAGE}`,
    );
    return 2;
  }
  if (args.help) {
    process.stdout.write(PASSWORD_LANDED_USAGE);
    return 0;
  }
  installLdaptsParsePatch();
  let port: DirectoryPort | null = null;
  try {
    port = await open(args);
    const answer = await checkLanding(port, args.user, args.since);
    if (args.json)
      process.stdout.write(
        `${JSON.stringify({
          landed: answer.landed,
          at: answer.at?.toISOString() ?? null,
          mustChangeAtNextLogon: answer.mustChangeAtNextLogon,
          passwordNeverExpires: answer.passwordNeverExpires,
        })}\n`,
      );
    else process.stdout.write(formatLanding(answer, args.since));
    return answer.landed ? 0 : 1;
  } catch (error) {
    if (!isDirectoryError(error)) throw error;
    if (args.json)
      process.stdout.write(`${JSON.stringify({ error: { kind: error.kind, message: error.sentence } })}\n`);
    else process.stderr.write(`Could not check: ${error.sentence}\n`);
    return 2;
  } finally {
    await port?.close();
  }
}
