// `sspr-writeback effective-rights`: JSON lines in (security descriptor + token), one JSON line out per input
// line, in order (ARCHITECTURE.md "The command line"). A bad line gets {"error": "line N: …"} and the stream goes
// on. Streams: reads stdin chunk by chunk (never the whole input), writes each chunk's answers at once and waits
// for "drain" when stdout is full, so memory stays flat for any number of lines.

import { once } from "node:events";
import { StringDecoder } from "node:string_decoder";
import { type Readable, type Writable } from "node:stream";
import { z } from "zod";
import { checkRights, effectiveRights, networkLogonToken, type RightName } from "../lib/ad/access-check";
import { isKnownObjectClass } from "../lib/ad/schema";
import { SdParseError, UnknownObjectClassError } from "../lib/ad/errors";
import { parseSddl } from "../lib/ad/sddl";
import { parseSecurityDescriptor, type SecurityDescriptor } from "../lib/ad/security-descriptor";
import { isSid, parseSid } from "../lib/ad/sid";

const USAGE = `Usage: sspr-writeback effective-rights [--explain]

Reads JSON lines on stdin, one object each:
  {"sd": "<SDDL>" | {"base64": "<self-relative binary SD>"}, "principal": "<SID>",
   "groups": ["<SID>", …], "objectClass": "user", "domainSid": "<SID>"}
and writes one JSON line per input line:
  {"resetPassword": bool, "writeLockoutTime": bool, "writePwdLastSet": bool, "unexpirePassword": bool, "changePassword": bool}
or {"error": "line N: …"} for a line it cannot judge. Blank lines are skipped.
The network-logon SIDs (Everyone, Authenticated Users, Network, This Organization) are added to every token.
domainSid is needed when the SDDL uses domain-relative aliases (DA, DU, EA, …).
--explain adds "explain": {<right>: "<deciding ACE or why none>"}.
Exit status: 0 when the input was read to the end (even with error lines), 2 on bad options.
`;

/** Lines longer than this are answered with an error and skipped, so one runaway line cannot exhaust memory. */
export const MAX_LINE_LENGTH = 8 * 1024 * 1024;

const sid = z.string().refine(isSid, { error: "not a SID (expected S-1-…)" });

// Unknown fields are ignored; missing or malformed ones are an error naming the field.
export const effectiveRightsLineSchema = z.object({
  sd: z.union([z.string(), z.object({ base64: z.string() })], {
    error: 'expected an SDDL string or {"base64": "…"}',
  }),
  principal: sid,
  groups: z.array(sid).default([]),
  objectClass: z.string().min(1).refine(isKnownObjectClass, {
    error:
      "unknown objectClass (use an lDAPDisplayName such as user, computer, inetOrgPerson, domainDNS, or a class GUID)",
  }),
  domainSid: sid.optional(),
});
export type EffectiveRightsLine = z.infer<typeof effectiveRightsLineSchema>;

const OUTPUT_ORDER: readonly RightName[] = [
  "resetPassword",
  "writeLockoutTime",
  "writePwdLastSet",
  "unexpirePassword",
  "changePassword",
];
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

class LineError extends Error {}

function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid input";
  const field = issue.path.map(String).join(".");
  return field ? `field ${field}: ${issue.message}` : issue.message;
}

function descriptorOf(line: EffectiveRightsLine): SecurityDescriptor {
  if (typeof line.sd === "string") {
    try {
      return parseSddl(line.sd, line.domainSid ? { domainSid: line.domainSid } : {});
    } catch (e) {
      if (e instanceof SdParseError) {
        throw new LineError(
          e.offset === undefined
            ? `field sd: bad SDDL: ${e.reason}`
            : `field sd: bad SDDL at character ${e.offset}: ${e.reason}`,
        );
      }
      throw e;
    }
  }
  const text = line.sd.base64.replace(/\s+/g, "");
  if (!BASE64_RE.test(text) || text.length % 4 === 1)
    throw new LineError("field sd.base64: not valid base64");
  const bytes = Buffer.from(text, "base64");
  try {
    return parseSecurityDescriptor(bytes);
  } catch (e) {
    if (e instanceof SdParseError) {
      throw new LineError(
        e.offset === undefined
          ? `field sd.base64: bad security descriptor: ${e.reason}`
          : `field sd.base64: bad security descriptor at byte ${e.offset}: ${e.reason}`,
      );
    }
    throw e;
  }
}

/**
 * The answer for one input line (without the newline), or null for a blank line. Pure: the streaming loop and the
 * tests call it.
 */
export function answerLine(text: string, lineNumber: number, explain = false): string | null {
  if (text.trim() === "") return null;
  try {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new LineError(`bad JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json))
      throw new LineError("expected a JSON object");
    const parsed = effectiveRightsLineSchema.safeParse(json);
    if (!parsed.success) throw new LineError(describeZodError(parsed.error));
    const line = parsed.data;
    const sd = descriptorOf(line);
    const token = networkLogonToken(parseSid(line.principal), line.groups);
    const out: Record<string, unknown> = {};
    if (explain) {
      const decisions = checkRights(
        sd,
        token,
        line.objectClass,
        line.domainSid ? { domainSid: line.domainSid } : {},
      );
      for (const r of OUTPUT_ORDER) out[r] = decisions[r].granted;
      out.explain = Object.fromEntries(OUTPUT_ORDER.map((r) => [r, decisions[r].reason]));
    } else {
      const rights = effectiveRights(sd, token, line.objectClass);
      for (const r of OUTPUT_ORDER) out[r] = rights[r];
    }
    return JSON.stringify(out);
  } catch (e) {
    if (e instanceof LineError) return JSON.stringify({ error: `line ${lineNumber}: ${e.message}` });
    if (e instanceof UnknownObjectClassError)
      return JSON.stringify({ error: `line ${lineNumber}: field objectClass: ${e.message}` });
    if (e instanceof SdParseError) return JSON.stringify({ error: `line ${lineNumber}: ${e.message}` });
    throw e;
  }
}

export interface Streams {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** Reads JSON lines from `input` and writes one answer per non-blank line to `output`, honouring backpressure. */
export async function processStream(input: Readable, output: Writable, explain = false): Promise<void> {
  let closed = false;
  output.on("error", (e: NodeJS.ErrnoException) => {
    // The reader went away (e.g. piped into `head`): stop quietly.
    if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") closed = true;
    else throw e;
  });
  const write = async (s: string): Promise<void> => {
    if (closed || s === "") return;
    if (!output.write(s)) await Promise.race([once(output, "drain"), once(output, "close")]);
  };

  const decoder = new StringDecoder("utf8");
  let carry = "";
  let lineNumber = 0;
  let skipping = false; // inside an over-long line, already answered
  const take = (line: string): string => {
    lineNumber++;
    const answer = answerLine(line.endsWith("\r") ? line.slice(0, -1) : line, lineNumber, explain);
    return answer === null ? "" : `${answer}\n`;
  };

  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    if (closed) break;
    let text = carry + (typeof chunk === "string" ? chunk : decoder.write(chunk));
    carry = "";
    let out = "";
    let start = 0;
    if (skipping) {
      const nl = text.indexOf("\n");
      if (nl < 0) continue;
      skipping = false;
      text = text.slice(nl + 1);
    }
    for (let nl = text.indexOf("\n", start); nl >= 0; nl = text.indexOf("\n", start)) {
      out += take(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
    if (carry.length > MAX_LINE_LENGTH) {
      lineNumber++;
      out += `${JSON.stringify({ error: `line ${lineNumber}: longer than ${MAX_LINE_LENGTH} characters` })}\n`;
      carry = "";
      skipping = true;
    }
    await write(out);
  }
  const rest = carry + decoder.end();
  if (!skipping && rest !== "" && !closed) await write(take(rest));
}

export async function run(
  args: string[],
  streams: Streams = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let explain = false;
  for (const a of args) {
    if (a === "--help" || a === "-h") {
      streams.stdout.write(USAGE);
      return 0;
    }
    if (a === "--explain") explain = true;
    else {
      streams.stderr.write(`Unknown option "${a}".\n\n${USAGE}`);
      return 2;
    }
  }
  await processStream(streams.stdin, streams.stdout, explain);
  return 0;
}
