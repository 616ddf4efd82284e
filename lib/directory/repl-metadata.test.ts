import { describe, expect, it } from "vitest";
import { DirectoryError } from "./errors";
import {
  ATTRTYP_PWD_LAST_SET,
  ATTRTYP_UNICODE_PWD,
  encodeReplPropertyMetaData,
  parseReplPropertyMetaData,
  passwordSetAt,
  stampAttribute,
} from "./repl-metadata";

/** A blob written byte by byte, as a DC returns it, independent of the encoder under test. */
function handBuilt(entries: { type: number; version: number; seconds: bigint }[]): Uint8Array {
  const out = Buffer.alloc(16 + entries.length * 48);
  out.writeUInt32LE(1, 0);
  out.writeUInt32LE(entries.length, 8);
  entries.forEach((e, i) => {
    const o = 16 + i * 48;
    out.writeUInt32LE(e.type, o);
    out.writeUInt32LE(e.version, o + 4);
    out.writeBigInt64LE(e.seconds, o + 8);
    // invocationId 01020304-0506-0708-090a-0b0c0d0e0f10 in its wire order
    Buffer.from("04030201060508070 90a0b0c0d0e0f10".replace(/ /g, ""), "hex").copy(out, o + 16);
    out.writeBigInt64LE(4242n, o + 32);
    out.writeBigInt64LE(4343n, o + 40);
  });
  return new Uint8Array(out);
}

// 2026-12-06T10:42:00Z as DSTIME: seconds since 1601-01-01 UTC.
const AT = new Date("2026-12-06T10:42:00Z");
const AT_DSTIME = BigInt(AT.getTime() / 1000 + 11_644_473_600);

describe("parseReplPropertyMetaData (MS-DRSR REPLPROPERTYMETADATA_BLOB)", () => {
  it("reads every stamp of a hand-built blob", () => {
    const stamps = parseReplPropertyMetaData(
      handBuilt([
        { type: ATTRTYP_PWD_LAST_SET, version: 3, seconds: AT_DSTIME - 60n },
        { type: ATTRTYP_UNICODE_PWD, version: 4, seconds: AT_DSTIME },
      ]),
    );
    expect(stamps).toHaveLength(2);
    expect(stamps[1]).toEqual({
      attributeType: 0x9005a,
      version: 4,
      changedAt: AT,
      originatingDsa: "01020304-0506-0708-090a-0b0c0d0e0f10",
      originatingUsn: 4242n,
      localUsn: 4343n,
    });
    expect(stamps[0]?.changedAt?.toISOString()).toBe("2026-12-06T10:41:00.000Z");
  });

  it("finds the password's own change time, not pwdLastSet's", () => {
    const blob = handBuilt([
      { type: ATTRTYP_PWD_LAST_SET, version: 9, seconds: AT_DSTIME + 3600n },
      { type: ATTRTYP_UNICODE_PWD, version: 2, seconds: AT_DSTIME },
    ]);
    expect(passwordSetAt(blob)).toEqual(AT);
  });

  it("says null when there is no unicodePwd stamp or its time is 0", () => {
    expect(
      passwordSetAt(handBuilt([{ type: ATTRTYP_PWD_LAST_SET, version: 1, seconds: AT_DSTIME }])),
    ).toBeNull();
    expect(passwordSetAt(handBuilt([{ type: ATTRTYP_UNICODE_PWD, version: 1, seconds: 0n }]))).toBeNull();
    expect(passwordSetAt(handBuilt([]))).toBeNull();
  });

  it("reads a blob that sits inside a larger buffer (Buffer slices from the LDAP reader)", () => {
    const blob = handBuilt([{ type: ATTRTYP_UNICODE_PWD, version: 1, seconds: AT_DSTIME }]);
    const pool = new Uint8Array(blob.length + 7);
    pool.set(blob, 7);
    expect(passwordSetAt(pool.subarray(7))).toEqual(AT);
  });

  it.each([
    ["empty", new Uint8Array(0), /shorter than the 16-byte header/],
    ["a truncated header", new Uint8Array([1, 0, 0, 0, 0, 0]), /shorter than the 16-byte header/],
    [
      "a truncated entry",
      handBuilt([{ type: ATTRTYP_UNICODE_PWD, version: 1, seconds: AT_DSTIME }]).subarray(0, 40),
      /announces 1 entries \(64 bytes\) but holds 40 bytes/,
    ],
    [
      "another version",
      (() => {
        const b = handBuilt([]);
        b[0] = 2;
        return b;
      })(),
      /version 2/,
    ],
    [
      "garbage with a huge count",
      (() => {
        const b = handBuilt([]);
        b[8] = 0xff;
        b[9] = 0xff;
        b[10] = 0xff;
        b[11] = 0xff;
        return b;
      })(),
      /announces 4294967295 entries/,
    ],
  ])("refuses %s with a clear DirectoryError", (_name, bytes, message) => {
    let caught: unknown;
    try {
      parseReplPropertyMetaData(bytes);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DirectoryError);
    expect((caught as DirectoryError).kind).toBe("protocol");
    expect((caught as DirectoryError).message).toMatch(
      /^The replication metadata \(replPropertyMetaData\) could not be read: /,
    );
    expect((caught as DirectoryError).message).toMatch(message);
  });

  it("refuses a value that is not binary", () => {
    expect(() => parseReplPropertyMetaData("AQAAAA==" as unknown as Uint8Array)).toThrow(/not binary/);
  });

  it("round-trips through the encoder, and a new stamp bumps the version", () => {
    const first = encodeReplPropertyMetaData([{ attributeType: ATTRTYP_UNICODE_PWD, changedAt: AT }]);
    expect(parseReplPropertyMetaData(first)).toEqual([
      {
        attributeType: ATTRTYP_UNICODE_PWD,
        version: 1,
        changedAt: AT,
        originatingDsa: "00000000-0000-0000-0000-000000000000",
        originatingUsn: 1n,
        localUsn: 1n,
      },
    ]);
    const later = new Date(AT.getTime() + 90_000);
    const next = stampAttribute(first, ATTRTYP_UNICODE_PWD, later);
    expect(parseReplPropertyMetaData(next)).toMatchObject([
      { attributeType: ATTRTYP_UNICODE_PWD, version: 2, changedAt: later },
    ]);
    const added = stampAttribute(null, ATTRTYP_PWD_LAST_SET, AT);
    expect(parseReplPropertyMetaData(added).map((s) => s.attributeType)).toEqual([ATTRTYP_PWD_LAST_SET]);
  });
});
