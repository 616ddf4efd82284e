import { Ber, BerReader, BerWriter } from "ldapts";
import { describe, expect, it } from "vitest";
import { DIRSYNC_MAX_BYTES, DIRSYNC_OID, DirSyncControl, encodeDirSyncValue } from "./dirsync-control";

describe("DirSync control (MS-ADTS 3.1.1.3.4.1.3)", () => {
  it("sends DirSyncRequestValue ::= SEQUENCE { Flags, MaxBytes, Cookie } as the control value, critical", () => {
    const control = new DirSyncControl(Buffer.from([1, 2, 3, 0xff]));
    expect(control.type).toBe(DIRSYNC_OID);
    expect(control.critical).toBe(true);
    const outer = new BerReader(encodeDirSyncValue(control));
    const value = outer.readString(Ber.OctetString, true)!;
    const inner = new BerReader(value);
    expect(inner.readSequence()).toBe(0x30);
    expect(inner.readInt()).toBe(0);
    expect(inner.readInt()).toBe(DIRSYNC_MAX_BYTES);
    expect([...inner.readString(Ber.OctetString, true)!]).toEqual([1, 2, 3, 0xff]);
  });

  it("sends an empty cookie for a first search", () => {
    const inner = new BerReader(
      new BerReader(encodeDirSyncValue(new DirSyncControl(Buffer.alloc(0)))).readString(Ber.OctetString, true)!,
    );
    inner.readSequence();
    inner.readInt();
    inner.readInt();
    expect(inner.readString(Ber.OctetString, true)!.length).toBe(0);
  });

  it("reads MoreResults and the DC's cookie from the response control", () => {
    const w = new BerWriter();
    w.startSequence();
    w.writeInt(1);
    w.writeInt(0);
    w.writeBuffer(Buffer.from("cookie-2"), Ber.OctetString);
    w.endSequence();
    const control = new DirSyncControl(Buffer.alloc(0));
    control.parse(new BerReader(w.buffer));
    expect(control.moreResults).toBe(true);
    expect(control.responseCookie?.toString()).toBe("cookie-2");

    const done = new BerWriter();
    done.startSequence();
    done.writeInt(0);
    done.writeInt(0);
    done.writeBuffer(Buffer.from("cookie-3"), Ber.OctetString);
    done.endSequence();
    control.parse(new BerReader(done.buffer));
    expect(control.moreResults).toBe(false);
    expect(control.responseCookie?.toString()).toBe("cookie-3");
  });
});
