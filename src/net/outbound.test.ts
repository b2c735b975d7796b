import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addressRefusal,
  checkOutboundUrl,
  EMPTY_ALLOWLIST,
  OutboundRefusedError,
  outboundFetch,
  parseAllowlist,
} from './outbound.ts';

describe('checkOutboundUrl (default: no allowlist)', () => {
  const refused = [
    // loopback, in every spelling WHATWG URL parsing knows
    'http://127.0.0.1/',
    'http://127.1:9/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://0x7f.1/',
    'http://127.000.000.001/',
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://localhost:3000/',
    'http://LOCALHOST./',
    'http://api.localhost/',
    // unspecified
    'http://0.0.0.0/',
    'http://0/',
    'http://[::]/',
    // IPv4-mapped and -compatible IPv6
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:8.8.8.8]/',
    'http://[::127.0.0.1]/',
    // private, CGNAT, unique local
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://[fc00::1]/',
    'http://[fd12:3456::1]/',
    // link-local, cloud metadata
    'http://169.254.169.254/latest/meta-data/',
    'http://0xa9fea9fe/',
    'http://[fe80::1]/',
    // multicast, broadcast, reserved
    'http://224.0.0.1/',
    'http://[ff02::1]/',
    'http://255.255.255.255/',
    'http://240.0.0.1/',
    // not http(s)
    'ftp://example.com/',
    'file:///etc/passwd',
    'gopher://example.com/',
    'javascript:alert(1)',
    'not a url',
  ];
  it.each(refused)('refuses %s', (url) => {
    const check = checkOutboundUrl(url, EMPTY_ALLOWLIST);
    expect(check.ok).toBe(false);
  });

  it.each([
    'https://example.com/hooks',
    'http://8.8.8.8/',
    'https://[2001:4860:4860::8888]/',
    'https://acme.my.salesforce.com',
  ])('accepts %s', (url) => {
    expect(checkOutboundUrl(url, EMPTY_ALLOWLIST).ok).toBe(true);
  });

  it('judges resolved addresses the same way', () => {
    expect(addressRefusal('127.0.0.1', EMPTY_ALLOWLIST)).toBeTruthy();
    expect(addressRefusal('::ffff:127.0.0.1', EMPTY_ALLOWLIST)).toBeTruthy();
    expect(addressRefusal('169.254.169.254', EMPTY_ALLOWLIST)).toBeTruthy();
    expect(addressRefusal('fe80::1%eth0', EMPTY_ALLOWLIST)).toBeTruthy();
    expect(addressRefusal('::ffff:8.8.8.8', EMPTY_ALLOWLIST)).toBeTruthy();
    expect(addressRefusal('93.184.215.14', EMPTY_ALLOWLIST)).toBeUndefined();
  });
});

describe('the allowlist', () => {
  it('lets through listed hosts, addresses and CIDRs only', () => {
    const list = parseAllowlist(' 127.0.0.0/8, ::1 , crm.internal, 10.1.0.0/16 ');
    expect(checkOutboundUrl('http://127.1:9/', list).ok).toBe(true);
    expect(checkOutboundUrl('http://[::1]:9/', list).ok).toBe(true);
    expect(checkOutboundUrl('http://CRM.internal/', list).ok).toBe(true);
    expect(checkOutboundUrl('http://10.1.2.3/', list).ok).toBe(true);
    expect(checkOutboundUrl('http://10.2.0.1/', list).ok).toBe(false);
    expect(checkOutboundUrl('http://169.254.169.254/', list).ok).toBe(false);
  });

  it.each(['10.0.0.0/33', '::1/129', 'not a host!', '10.0.0.0/', 'http://x.test'])(
    'refuses the entry %s',
    (entry) => {
      expect(() => parseAllowlist(entry)).toThrow(entry);
    },
  );
});

describe('outboundFetch', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.host}`);
      if (req.url === '/redirect') return res.writeHead(302, { location: '/secret' }).end();
      if (req.url === '/slow') return; // never answers
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  const loopback = parseAllowlist('127.0.0.0/8');

  it('refuses before connecting: the server never sees the request, nor its credentials', async () => {
    seen.length = 0;
    const port = new URL(base).port;
    for (const url of [
      base,
      `http://127.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f000001:${port}/`,
    ]) {
      await expect(
        outboundFetch(url, { headers: { authorization: 'Bearer s3cret' } }, { allowlist: EMPTY_ALLOWLIST }),
      ).rejects.toBeInstanceOf(OutboundRefusedError);
    }
    expect(seen).toEqual([]);
  });

  it('calls an allowed address and returns a Response', async () => {
    const res = await outboundFetch(
      `${base}/x`,
      { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } },
      { allowlist: loopback },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(seen.at(-1)).toBe(`POST /x ${new URL(base).host}`);
  });

  it('never follows a redirect: the 3xx comes back as a failure', async () => {
    seen.length = 0;
    const res = await outboundFetch(`${base}/redirect`, {}, { allowlist: loopback });
    expect(res.status).toBe(302);
    expect(res.ok).toBe(false);
    expect(seen).toHaveLength(1);
  });

  it('times out', async () => {
    await expect(
      outboundFetch(`${base}/slow`, {}, { allowlist: loopback, timeoutMs: 200 }),
    ).rejects.toThrow();
  });
});
