// Typed errors of the security-descriptor engine. Parsers throw only these, so a caller (route, CLI, snapshot
// loader) can turn bad input into a clear message without catching programming errors by accident.

export type SdParseErrorKind = "binary" | "sddl";

/**
 * Input that is not a valid security descriptor, SID, GUID or SDDL string.
 * `offset` is the byte offset (binary) or character offset (SDDL) where the problem was found, when known.
 */
export class SdParseError extends Error {
  override readonly name = "SdParseError";
  readonly kind: SdParseErrorKind;
  readonly offset?: number;
  /** The message without the position suffix. */
  readonly reason: string;

  constructor(kind: SdParseErrorKind, message: string, offset?: number) {
    super(
      offset === undefined
        ? message
        : `${message} (at ${kind === "binary" ? "byte" : "character"} ${offset})`,
    );
    this.kind = kind;
    this.reason = message;
    if (offset !== undefined) this.offset = offset;
  }
}

/** A descriptor that has no SDDL form (e.g. an ACE type or flag SDDL cannot express). */
export class SdFormatError extends Error {
  override readonly name = "SdFormatError";
}

/** An objectClass the catalogue does not know, so InheritedObjectType and class object types cannot be judged. */
export class UnknownObjectClassError extends Error {
  override readonly name = "UnknownObjectClassError";
  readonly objectClass: string;

  constructor(objectClass: string, known: readonly string[]) {
    super(
      `unknown objectClass "${objectClass}" (known: ${known.join(", ")}; or pass the class schemaIDGUID)`,
    );
    this.objectClass = objectClass;
  }
}
