import { isIP } from 'node:net';

/** What a session keeps about the device that opened it: enough to recognise it, nothing more. */
export interface ClientInfo {
  userAgent: string | null;
  network: string | null;
}

const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\//, 'Opera'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrom(e|ium)\/|\bCriOS\//, 'Chrome'],
  [/\bSafari\//, 'Safari'],
  [/\bcurl\//, 'curl'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/\bAndroid\b/, 'Android'],
  [/\biPhone|iPad|iPod\b/, 'iOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bLinux\b/, 'Linux'],
];

/** "Firefox · Linux": browser family and system only (no versions, no device model). */
export function summarizeUserAgent(header: string | undefined): string | null {
  if (!header) return null;
  const browser = BROWSERS.find(([re]) => re.test(header))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(header))?.[1];
  const parts = [browser, system].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'other';
}

/** The address's network: IPv4 /24, IPv6 /48 (an address alone is personal data). */
export function coarsenAddress(ip: string | undefined): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  if (isIP(address) === 4) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIP(address) === 6) {
    const [head = '', tail = ''] = address.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = address.includes('::')
      ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
      : left;
    return `${groups
      .slice(0, 3)
      .map((g) => Number.parseInt(g || '0', 16).toString(16))
      .join(':')}::/48`;
  }
  return null;
}

export function clientInfo(req: { ip: string; headers: { 'user-agent'?: string | undefined } }): ClientInfo {
  return { userAgent: summarizeUserAgent(req.headers['user-agent']), network: coarsenAddress(req.ip) };
}
