import { createHmac } from 'node:crypto';
import { createTestApp, type TestApp } from './helpers.ts';

/** An app with the Nuvia demo content (and its demo widget site) and a search index over it. */
export function createWidgetTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  return createTestApp({ RELAIS_DEMO: 'on', ...overrides });
}

/** What a host's server does (README "Identify customers"), written independently of Relais's code. */
export function hostSignature(
  secret: string,
  c: { id: string; email?: string; segments: string[]; issuedAt: number },
): string {
  const payload = `v1\n${c.id}\n${c.email ?? ''}\n${c.segments.join(',')}\n${c.issuedAt}`;
  return createHmac('sha256', secret).update(payload).digest('hex');
}
