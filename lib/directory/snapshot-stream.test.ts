import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DirectoryError } from "./errors";
import { DIRECTORY_STEP_IDS, DirectoryScanner } from "./scan";
import { parseSnapshot, SNAPSHOT_FORMAT_COMPACT, SnapshotDirectory } from "./snapshot";
import {
  bytesOf,
  checkAndPack,
  readSnapshotStream,
  type StreamedUser,
  StreamedSnapshotDirectory,
  toCompact,
} from "./snapshot-stream";
import { fixtureSnapshot } from "./testing/fixture";

const encoder = new TextEncoder();

async function read(body: Uint8Array | string) {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const users: StreamedUser[] = [];
  const header = await readSnapshotStream(bytesOf(bytes), (batch) => void users.push(...batch));
  return { header, users };
}

async function refusal(body: Uint8Array | string): Promise<DirectoryError> {
  try {
    await read(body);
  } catch (error) {
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as DirectoryError).kind).toBe("snapshot-invalid");
    return error as DirectoryError;
  }
  throw new Error("expected the snapshot to be refused");
}

const fixture = () => JSON.parse(JSON.stringify(fixtureSnapshot())) as ReturnType<typeof fixtureSnapshot>;

describe("reading a snapshot as a stream", () => {
  it("gives the users and the header that a whole parse gives, for format /1", async () => {
    const whole = parseSnapshot(fixture());
    const { header, users } = await read(JSON.stringify(fixture()));
    expect(users.map((u) => u.user)).toEqual(whole.domains[0]?.users);
    expect(users.map((u) => [u.domain, u.index])).toEqual(whole.domains[0]?.users.map((_, i) => [0, i]));
    expect(header.userCounts).toEqual([whole.domains[0]?.users.length]);
    expect(header.snapshot.domains[0]?.users).toEqual([]);
    expect({ ...header.snapshot, domains: [] }).toEqual({ ...whole, domains: [] });
    expect(header.snapshot.domains[0]?.containers).toEqual(whole.domains[0]?.containers);
  });

  it("reads the compact format /2 to the same users, each distinct descriptor written once", async () => {
    const whole = parseSnapshot(fixture());
    const compact = toCompact(whole);
    const text = JSON.stringify(compact);
    expect(compact.format).toBe(SNAPSHOT_FORMAT_COMPACT);
    const sds = compact.sds as string[];
    expect(new Set(sds).size).toBe(sds.length);
    expect(text.length).toBeLessThan(JSON.stringify(whole).length);
    const { header, users } = await read(text);
    expect(users.map((u) => u.user)).toEqual(whole.domains[0]?.users);
    expect(header.snapshot.domains[0]?.sd).toBe(whole.domains[0]?.sd);
    expect(header.snapshot.domains[0]?.containers).toEqual(whole.domains[0]?.containers);
    // The whole-document parser reads /2 too.
    expect(parseSnapshot(JSON.parse(text)).domains[0]?.users).toEqual(whole.domains[0]?.users);
  });

  it("inflates gzip, recognised by its magic bytes", async () => {
    const text = JSON.stringify(toCompact(parseSnapshot(fixture())));
    const plain = await read(text);
    const zipped = await read(new Uint8Array(gzipSync(text)));
    expect(zipped.users).toEqual(plain.users);
    expect(zipped.header).toEqual(plain.header);
  });

  it("accepts a byte-order mark", async () => {
    const { users } = await read(`\uFEFF${JSON.stringify(fixture())}`);
    expect(users.length).toBeGreaterThan(0);
  });

  it("refuses damaged gzip", async () => {
    const zipped = gzipSync(JSON.stringify(fixture()));
    expect((await refusal(new Uint8Array(zipped.subarray(0, zipped.length - 40)))).message).toMatch(
      /not valid gzip/,
    );
    const flipped = new Uint8Array(zipped);
    flipped[20] = (flipped[20] ?? 0) ^ 0xff;
    expect((await refusal(flipped)).message).toMatch(/gzip|JSON/);
  });

  it("refuses more than the unpacked limit", async () => {
    const zipped = new Uint8Array(gzipSync(JSON.stringify(fixture())));
    await expect(
      readSnapshotStream(bytesOf(zipped), () => undefined, { maxInflatedBytes: 1000 }),
    ).rejects.toThrow(/larger than 1,000 bytes once unpacked/);
  });

  it("names a bad field of a user with its index", async () => {
    const s = fixture();
    (s.domains[0]!.users[1] as Record<string, unknown>).sid = "not-a-sid";
    const error = await refusal(JSON.stringify(s));
    expect(error.fields).toEqual(["domains[0].users[1].sid"]);
    expect(error.message).toMatch(/domains\[0\]\.users\[1\]\.sid is not a SID/);
  });

  it("names a user whose SDDL does not parse", async () => {
    const s = fixture();
    s.domains[0]!.users[2]!.sd = "O:DAG:DAD:(A;;ZZ;;;WD)";
    expect((await refusal(JSON.stringify(s))).fields).toEqual(["domains[0].users[2].sd"]);
  });

  it("names an index outside the sds table, and an index in format /1", async () => {
    const compact = toCompact(parseSnapshot(fixture())) as { domains: { users: { sd: unknown }[] }[] };
    compact.domains[0]!.users[3]!.sd = 999;
    const outside = await refusal(JSON.stringify(compact));
    expect(outside.fields).toEqual(["domains[0].users[3].sd"]);
    expect(outside.message).toMatch(/refers to sds\[999\]/);

    const s = fixture() as unknown as { domains: { users: { sd: unknown }[] }[] };
    s.domains[0]!.users[0]!.sd = 0;
    expect((await refusal(JSON.stringify(s))).fields).toEqual(["domains[0].users[0].sd"]);
  });

  it("refuses a compact file whose sds table comes after the users", async () => {
    const { sds, ...rest } = toCompact(parseSnapshot(fixture()));
    const error = await refusal(JSON.stringify({ ...rest, sds }));
    expect(error.message).toMatch(/no sds table before its domains/);
  });

  it("names header fields and JSON syntax errors", async () => {
    const s = fixture() as Record<string, unknown>;
    s.collectedAt = "yesterday";
    expect((await refusal(JSON.stringify(s))).fields).toEqual(["collectedAt"]);
    expect((await refusal('{"format":"sspr-writeback-snapshot/1" "domains":[]}')).message).toMatch(
      /not valid JSON/,
    );
    expect(
      (await refusal('{"format":"sspr-writeback-snapshot/1","domains":[{"users":[{"dn":tru}]}]}')).message,
    ).toMatch(/not valid JSON \(in domains\[0\]\.users\[0\]\)/);
    expect((await refusal(JSON.stringify(fixture()).slice(0, -5))).message).toMatch(
      /ends before it is complete/,
    );
    expect((await refusal(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).message).toMatch(
      /UTF-8|JSON/,
    );
  });

  it("hands users over while the file is still arriving", async () => {
    const text = encoder.encode(JSON.stringify(fixture()));
    const seen: number[] = [];
    let delivered = 0;
    async function* slowly() {
      for (let i = 0; i < text.byteLength; i += 512) {
        delivered = i;
        yield text.subarray(i, i + 512);
      }
    }
    await readSnapshotStream(slowly(), (batch) => void seen.push(...batch.map(() => delivered)));
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[0]).toBeLessThan(text.byteLength - 512);
  });
});

describe("a stored snapshot as a Directory port", () => {
  async function stored(text: string) {
    const { header, packed } = await checkAndPack(bytesOf(encoder.encode(text)));
    expect(packed[0]).toBe(0x1f);
    return new StreamedSnapshotDirectory(header, () => bytesOf(packed));
  }

  it.each(["/1", "/2"])(
    "gives every directory step the verdicts of the whole-file port (format %s)",
    async (format) => {
      const whole = parseSnapshot(fixture());
      const text = JSON.stringify(format === "/1" ? fixture() : toCompact(whole));
      const streamed = await stored(text);
      const settings = { connector: null, confirmedConnectorDn: null, scope: [] };
      for (const step of DIRECTORY_STEP_IDS) {
        const a = await new DirectoryScanner(new SnapshotDirectory(whole), settings).run(step);
        const b = await new DirectoryScanner(streamed, settings).run(step);
        expect({ ...b, describe: "", scannedAt: "" }, step).toEqual({ ...a, describe: "", scannedAt: "" });
      }
      const scoped = { ...settings, scope: ["OU=Staff,DC=contoso,DC=com"] };
      const a = await new DirectoryScanner(new SnapshotDirectory(whole), scoped).run("connector-permissions");
      const b = await new DirectoryScanner(streamed, scoped).run("connector-permissions");
      expect(b.findings).toEqual(a.findings);
    },
  );

  it("finds a user by SID and reads any object by DN", async () => {
    const whole = parseSnapshot(fixture());
    const streamed = await stored(JSON.stringify(toCompact(whole)));
    const plain = new SnapshotDirectory(whole);
    const user = whole.domains[0]!.users[4]!;
    expect(await streamed.findUserBySid(user.sid!)).toEqual(await plain.findUserBySid(user.sid!));
    expect(await streamed.readObject(user.dn.toUpperCase())).toEqual(await plain.readObject(user.dn));
    expect(await streamed.readObject(whole.domains[0]!.containers[0]!.dn)).toEqual(
      await plain.readObject(whole.domains[0]!.containers[0]!.dn),
    );
    expect(await streamed.findUserBySid("S-1-5-21-9-9-9-9")).toBeNull();
    expect(await streamed.readObject("CN=Nobody,DC=contoso,DC=com")).toBeNull();
  });
});
