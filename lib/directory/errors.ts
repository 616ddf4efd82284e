// Typed directory errors. Each names what went wrong and what to do, in a sentence an admin can act on; none
// carries a password or a raw upstream stack. The CLI maps every kind to exit code 2 ("could not check").

// One list; lib/server/domain-errors.ts maps every kind to an HTTP answer and its test walks this list.
export const DIRECTORY_ERROR_KINDS = [
  "configuration",
  "unreachable",
  "timeout",
  "tls",
  "credentials",
  "security-descriptor-access",
  "insufficient-access",
  "not-found",
  "snapshot-invalid",
  "conflict",
  "protocol",
] as const;

export type DirectoryErrorKind = (typeof DIRECTORY_ERROR_KINDS)[number];

export class DirectoryError extends Error {
  constructor(
    readonly kind: DirectoryErrorKind,
    message: string,
    /** What to do about it, one sentence. */
    readonly remedy: string,
    /**
     * The input the error is about, as paths inside what the admin supplied: a snapshot's `domains[0].sd`, or
     * `credential` for the privileged account typed for a fix. Empty when the error is not about any input.
     */
    readonly fields: readonly string[] = [],
  ) {
    super(message);
    this.name = "DirectoryError";
  }

  /** Message and remedy together, as shown to people. */
  get sentence(): string {
    return `${this.message} ${this.remedy}`;
  }
}

export function isDirectoryError(error: unknown): error is DirectoryError {
  return error instanceof DirectoryError;
}

// Node's TLS verification codes (OpenSSL X509_V_ERR_* names), described for people.
const TLS_PROBLEMS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server presented a self-signed certificate that is not the configured CA",
  SELF_SIGNED_CERT_IN_CHAIN: "the certificate chain ends in a self-signed CA that is not the configured CA",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server certificate was not issued by the configured CA",
  UNABLE_TO_GET_ISSUER_CERT: "the issuer of the server certificate is not among the trusted CAs",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the issuer of the server certificate is not among the trusted CAs",
  CERT_HAS_EXPIRED: "the server certificate has expired",
  CERT_NOT_YET_VALID: "the server certificate is not valid yet (check the clocks)",
  CERT_REVOKED: "the server certificate is revoked",
  CERT_SIGNATURE_FAILURE: "the server certificate's signature does not verify",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server certificate does not name the host the wizard connected to",
  ERR_SSL_WRONG_VERSION_NUMBER:
    "the server did not answer with TLS (is this an ldap:// port addressed as ldaps://?)",
};

function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function resultCode(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "number") return code;
  }
  return undefined;
}

export interface ClassifyContext {
  url: string;
  serverName?: string;
  timeoutMs: number;
  bindDn?: string;
  /** What was being done: "connecting", "binding", "reading security descriptors", … */
  during: string;
}

/**
 * Turns whatever ldapts or Node threw into a DirectoryError. Unknown errors keep a generic message (the raw text
 * goes to the server log by the caller, not to people).
 */
export function classifyLdapError(error: unknown, ctx: ClassifyContext): DirectoryError {
  if (error instanceof DirectoryError) return error;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const host = safeHost(ctx.url);
  if (code && TLS_PROBLEMS[code]) {
    const name = ctx.serverName ? ` (expected name ${ctx.serverName})` : "";
    return new DirectoryError(
      "tls",
      `TLS verification of the domain controller at ${host}${name} failed: ${TLS_PROBLEMS[code]} [${code}].`,
      code === "ERR_TLS_CERT_ALTNAME_INVALID"
        ? "Set the TLS server name to the name in the DC's certificate (DIRECTORY_TLS_SERVER_NAME or --server-name), or connect by that name."
        : "Point the CA file setting at the CA that issued the domain controller's certificate. The wizard never turns verification off.",
    );
  }
  if (
    code === "ECONNREFUSED" ||
    code === "EHOSTUNREACH" ||
    code === "ENETUNREACH" ||
    code === "ENOTFOUND" ||
    code === "EAI_AGAIN" ||
    code === "ECONNRESET"
  ) {
    const what =
      code === "ENOTFOUND" || code === "EAI_AGAIN"
        ? "the host name does not resolve"
        : code === "ECONNREFUSED"
          ? "nothing accepts connections on that port (domain controller stopped, or the wrong port)"
          : code === "ECONNRESET"
            ? "the connection was reset"
            : "there is no route to it";
    return new DirectoryError(
      "unreachable",
      `Cannot reach the domain controller at ${host}: ${what} [${code}].`,
      "Check the LDAP URL, that the domain controller runs, and that a firewall lets this server open the port (636 for LDAPS, 389 for StartTLS).",
    );
  }
  if (/Connection timeout/i.test(message) || /timed out/i.test(message) || code === "ETIMEDOUT") {
    return new DirectoryError(
      "timeout",
      `The domain controller at ${host} did not answer within ${ctx.timeoutMs} ms while ${ctx.during}.`,
      "Check that the host and port are right and reachable from this server; raise the timeout only if the DC is known to be slow.",
    );
  }
  const rc = resultCode(error);
  if (rc === 49) {
    return new DirectoryError(
      "credentials",
      `The domain controller refused the credentials for ${ctx.bindDn ?? "the bind account"} (invalid credentials, LDAP 49).`,
      "Check the bind DN and the password file; the account may also be disabled, locked out or expired.",
    );
  }
  if (rc === 8 || rc === 13) {
    return new DirectoryError(
      "tls",
      `The domain controller at ${host} requires a stronger connection (LDAP ${rc}).`,
      "Use ldaps:// with a CA file, or ldap:// (the wizard then always upgrades with StartTLS).",
    );
  }
  if (rc === 50) {
    return new DirectoryError(
      "insufficient-access",
      `The domain controller refused ${ctx.during} (insufficient access rights, LDAP 50).`,
      "Use an account that holds the rights for this action.",
    );
  }
  if (rc === 32) {
    return new DirectoryError(
      "not-found",
      `An object the wizard needed does not exist (LDAP 32, while ${ctx.during}).`,
      "Check the base DN and the configured OUs.",
    );
  }
  if (rc === 12) {
    return new DirectoryError(
      "protocol",
      `The domain controller does not support a control the wizard sent as critical while ${ctx.during} (LDAP 12).`,
      "This domain controller is not a supported Active Directory domain controller for this check.",
    );
  }
  if (/socket|closed/i.test(message)) {
    return new DirectoryError(
      "unreachable",
      `The connection to ${host} was closed while ${ctx.during}.`,
      "Check the domain controller and the network; if it keeps happening, look at the DC's LDAP policy (MaxConnIdleTime, MaxPageSize).",
    );
  }
  return new DirectoryError(
    "protocol",
    `The LDAP operation on the domain controller at ${host} failed while ${ctx.during}.`,
    "See the server log for the detail, then retry.",
  );
}

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return u.host;
  } catch {
    return "the configured host";
  }
}
