import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { z } from 'zod';

/**
 * The one outbound URL guard (docs/configuration.md, "Outbound calls"): every server-side call to a URL
 * someone configured — connectors, webhooks, flow connections, LLM and embedding endpoints — goes
 * through `outboundFetch`, and every such URL is checked when saved with `checkOutboundUrl`.
 *
 * - http(s) only; no redirect is ever followed (a 3xx comes back as a failed response);
 * - the host is resolved ONCE, every address it resolves to is checked, and the connection goes to
 *   the checked address (the socket's lookup returns it), so a second DNS answer cannot rebind the
 *   call to an internal address; TLS still verifies the certificate against the host name;
 * - loopback, private (RFC 1918, CGNAT, unique-local), link-local (cloud metadata 169.254.169.254),
 *   unspecified, multicast, broadcast, reserved and IPv4-mapped IPv6 addresses are refused, whatever
 *   their spelling: WHATWG URL parsing turns `127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1` into
 *   `127.0.0.1` before the check;
 * - unless the host name, address or CIDR is in the allowlist (`RELAIS_OUTBOUND_ALLOWLIST`).
 *
 * Pure of Relais modules: imports only Node and zod's types.
 */

const REFUSED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, 255.255.255.255 broadcast
] as const) {
  REFUSED.addSubnet(net, prefix, 'ipv4');
}
// No rule for ::ffff:0:0/96: Node's BlockList judges an IPv4-mapped address (::ffff:127.0.0.1) by the
// IPv4 rules above, and such a rule would match every IPv4 address. Mapped literals are refused below.
for (const [net, prefix] of [
  ['::', 96], // unspecified ::, loopback ::1, IPv4-compatible ::a.b.c.d
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  REFUSED.addSubnet(net, prefix, 'ipv6');
}

/** Host names, addresses and CIDRs an operator trusts (RELAIS_OUTBOUND_ALLOWLIST). */
export interface Allowlist {
  hosts: ReadonlySet<string>;
  addresses: BlockList;
  /** As written, for messages. */
  entries: readonly string[];
}

export const EMPTY_ALLOWLIST: Allowlist = { hosts: new Set(), addresses: new BlockList(), entries: [] };

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

/** Parses `host, 10.0.0.0/8, ::1` — throws an Error naming the first wrong entry. */
export function parseAllowlist(text: string | undefined): Allowlist {
  const entries = (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const hosts = new Set<string>();
  const addresses = new BlockList();
  for (const entry of entries) {
    const [address, prefixText, ...rest] = entry.replace(/^\[|\](?=\/|$)/g, '').split('/');
    const family = isIP(address ?? '');
    if (family && rest.length === 0) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || prefixText === '') {
        throw new Error(`"${entry}": prefix must be 0–${max}`);
      }
      addresses.addSubnet(address!, prefix, type);
    } else if (prefixText === undefined && HOST_NAME.test(entry)) {
      hosts.add(entry.toLowerCase().replace(/\.$/, ''));
    } else {
      throw new Error(`"${entry}": expected a host name, an IP address or a CIDR (10.0.0.0/8)`);
    }
  }
  return { hosts, addresses, entries };
}

let configured: Allowlist = EMPTY_ALLOWLIST;

/** Sets the process's allowlist once at start-up (from RELAIS_OUTBOUND_ALLOWLIST). */
export function configureOutbound(allowlist: Allowlist) {
  configured = allowlist;
}

/** The allowlist set at start-up (empty until then: everything internal is refused). */
export function outboundAllowlist(): Allowlist {
  return configured;
}

export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
}

/** Bare host of a URL: no IPv6 brackets, no trailing dot, lower case. */
function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

function familyType(address: string): 'ipv4' | 'ipv6' | undefined {
  const f = isIP(address);
  return f === 4 ? 'ipv4' : f === 6 ? 'ipv6' : undefined;
}

/** Why an address may not be called, or undefined when it may. */
export function addressRefusal(address: string, allowlist: Allowlist = configured): string | undefined {
  const type = familyType(address);
  if (!type) return 'not an IP address';
  if (allowlist.addresses.check(address, type)) return undefined;
  // IPv4-mapped IPv6: no public service needs to be reached that way, and it is the classic disguise.
  // A scoped address (fe80::1%eth0) only exists on a local link.
  if (address.includes('%')) return `${address} is a link-local address`;
  if (type === 'ipv6' && new URL(`http://[${address}]/`).hostname.startsWith('[::ffff:')) {
    return `${address} is an IPv4-mapped IPv6 address`;
  }
  return REFUSED.check(address, type)
    ? `${address} is a loopback, private, link-local or reserved address`
    : undefined;
}

export type OutboundCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Save-time check (synchronous: no DNS): scheme, credentials-free absolute URL, and a host that is
 * not an internal address literal nor `localhost`. Names are resolved and checked again at call time.
 */
export function checkOutboundUrl(raw: string, allowlist: Allowlist = configured): OutboundCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not an absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: 'only http and https URLs may be called' };
  }
  const host = hostOf(url);
  if (!host) return { ok: false, reason: 'no host' };
  if (allowlist.hosts.has(host)) return { ok: true, url };
  if (familyType(host)) {
    const refusal = addressRefusal(host, allowlist);
    return refusal ? { ok: false, reason: `${refusal} (see RELAIS_OUTBOUND_ALLOWLIST)` } : { ok: true, url };
  }
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return { ok: false, reason: 'localhost is a loopback address (see RELAIS_OUTBOUND_ALLOWLIST)' };
  }
  return { ok: true, url };
}

/**
 * zod refinement for a URL field that Relais will call: `z.string().superRefine(refineOutboundUrl)`.
 * The issue lands on the field, so the 400 names it.
 */
export function refineOutboundUrl(value: string, ctx: z.RefinementCtx) {
  const check = checkOutboundUrl(value);
  if (!check.ok) ctx.addIssue({ code: 'custom', message: `URL refused: ${check.reason}` });
}

/** Resolves once and returns the one address to connect to, or throws OutboundRefusedError. */
async function vettedAddress(url: URL, allowlist: Allowlist): Promise<{ address: string; family: 4 | 6 }> {
  const host = hostOf(url);
  const literal = isIP(host);
  const answers = literal
    ? [{ address: host, family: literal }]
    : await lookup(host, { all: true, verbatim: true }).catch((err: NodeJS.ErrnoException) => {
        // Not a refusal: DNS may answer on the next attempt.
        throw new Error(`cannot resolve ${host} (${err.code ?? 'dns error'})`);
      });
  if (!answers.length) throw new Error(`cannot resolve ${host}`);
  if (!allowlist.hosts.has(host)) {
    // Every answer must be acceptable: one internal address among public ones is still a way in.
    for (const a of answers) {
      const refusal = addressRefusal(a.address, allowlist);
      if (refusal) throw new OutboundRefusedError(`${host}: ${refusal}`);
    }
  }
  const first = answers[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

export interface OutboundInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

export interface OutboundOptions {
  /** Default: the allowlist set at start-up. */
  allowlist?: Allowlist;
  /** Whole exchange, connection to last byte; default 10 s. */
  timeoutMs?: number;
  /** Larger answers are cut off with an error; default 16 MB. */
  maxResponseBytes?: number;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * `fetch` for URLs someone configured: checks the URL, resolves its host once, connects to the vetted
 * address, never follows a redirect (3xx is returned, `ok` false). Throws `OutboundRefusedError` before
 * any connection when the target is refused, so no request (and no credential) ever leaves.
 */
export async function outboundFetch(
  rawUrl: string,
  init: OutboundInit = {},
  options: OutboundOptions = {},
): Promise<Response> {
  const allowlist = options.allowlist ?? configured;
  const check = checkOutboundUrl(rawUrl, allowlist);
  if (!check.ok) throw new OutboundRefusedError(check.reason);
  const url = check.url;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  signal.throwIfAborted();
  const { address, family } = await vettedAddress(url, allowlist);
  const maxBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
  const client = url.protocol === 'https:' ? https : http;

  return new Promise<Response>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        signal,
        // The socket connects to the vetted address, whatever DNS says now; TLS uses the host name.
        lookup: (_host, opts, callback) => {
          const cb = callback as (...args: unknown[]) => void;
          if ((opts as { all?: boolean }).all) cb(null, [{ address, family }]);
          else cb(null, address, family);
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy(new OutboundRefusedError(`answer larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 502;
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
          }
          const body = NULL_BODY.has(status) ? null : Buffer.concat(chunks);
          resolve(
            new Response(body, {
              status: status >= 200 && status <= 599 ? status : 502,
              statusText: res.statusMessage ?? '',
              headers,
            }),
          );
        });
      },
    );
    req.on('error', (err) => reject(signal.aborted ? (signal.reason ?? err) : err));
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}
