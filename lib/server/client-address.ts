import "server-only";
import { type IncomingMessage, Server } from "node:http";
import { BlockList, isIP } from "node:net";
import { env } from "./env";

// Who is asking, for rate limits. Next copies the socket's address into X-Forwarded-For only when the request has
// none, so a client talking to Next directly can write any address there. The server therefore stamps the peer
// address of every request into a header of its own (overwriting whatever a client sent under that name), and an
// X-Forwarded-For entry is believed only when the peer is a proxy the operator listed in TRUSTED_PROXIES.

/** Set by the server on every request from the socket; a client's own value is overwritten. */
export const PEER_ADDRESS_HEADER = "x-sspr-peer-address";

const HOOK_KEY = Symbol.for("sspr-wizard.peer-address-hook");

/**
 * Stamps the socket's address into {@link PEER_ADDRESS_HEADER} before Next sees a request. Called once at start
 * (instrumentation runs in the process that serves requests); idempotent.
 */
export function installPeerAddressHook(): void {
  const proto = Server.prototype as Server & { [HOOK_KEY]?: boolean };
  if (proto[HOOK_KEY]) return;
  proto[HOOK_KEY] = true;
  const emit = proto.emit;
  proto.emit = function patched(this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as IncomingMessage;
      const peer = request.socket?.remoteAddress;
      if (peer) request.headers[PEER_ADDRESS_HEADER] = peer;
      else delete request.headers[PEER_ADDRESS_HEADER];
    }
    return (emit as (this: Server, event: string | symbol, ...rest: unknown[]) => boolean).call(
      this,
      event,
      ...args,
    );
  } as typeof proto.emit;
}

/** Parses TRUSTED_PROXIES: addresses or CIDR ranges, separated by commas. Throws a sentence on a bad entry. */
export function parseTrustedProxies(value: string | undefined): BlockList {
  const list = new BlockList();
  for (const raw of (value ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address, bits, extra] = entry.split("/");
    const family = isIP(address ?? "");
    const prefix = bits === undefined ? undefined : Number(bits);
    const max = family === 6 ? 128 : 32;
    if (
      !address ||
      family === 0 ||
      extra !== undefined ||
      (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 0 || prefix > max))
    ) {
      throw new Error(`"${entry}" is not an IP address or CIDR range`);
    }
    const type = family === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return list;
}

let trusted: { source: string | undefined; list: BlockList } | undefined;

function trustedProxies(): BlockList {
  const source = env().TRUSTED_PROXIES;
  if (!trusted || trusted.source !== source) trusted = { source, list: parseTrustedProxies(source) };
  return trusted.list;
}

function unmapped(address: string): string {
  // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address: the peer, or — when the peer is a trusted proxy — the right-most X-Forwarded-For entry
 * that is not itself a trusted proxy (entries left of it were written by the client and prove nothing). Null when
 * the server did not stamp the peer (a handler called outside the server).
 */
export function clientAddress(request: Request, proxies: BlockList = trustedProxies()): string | null {
  const stamped = request.headers.get(PEER_ADDRESS_HEADER)?.trim();
  if (!stamped || isIP(unmapped(stamped)) === 0) return null;
  let client = unmapped(stamped);
  if (!isTrusted(proxies, client)) return client;
  const hops = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => unmapped(hop.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) break;
    client = hop;
    if (!isTrusted(proxies, hop)) break;
  }
  return client;
}

/**
 * The rate-limit key of a client: its address, an IPv6 address cut to its /64 (one subscriber usually holds a
 * whole /64, so rotating within it is free), or "unknown" when no address is known.
 */
export function clientKey(request: Request, proxies?: BlockList): string {
  const address = clientAddress(request, proxies);
  if (!address) return "unknown";
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(":")}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((part) =>
    (parseInt(part, 16) || 0).toString(16),
  );
}
