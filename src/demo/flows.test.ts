import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, freePort, type TestApp } from '../../test/helpers.ts';
import { loadDemoFlows } from './flows.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  // The demo's line-test action calls Relais itself at RELAIS_PUBLIC_URL: listen exactly there.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await createTestApp({ RELAIS_DEMO: 'on', RELAIS_PUBLIC_URL: base });
  await t.app.listen({ port, host: '127.0.0.1' });
});
afterAll(() => t.close());

describe('demo flows', () => {
  it('load with the demo content once, are offered by their answers, and run the line test served by Relais', async () => {
    const again = await loadDemoFlows(t.app.db, { publicUrl: base, articleId: () => undefined });
    expect(again.created).toEqual([]);

    const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
      fetch(`${base}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(payload),
      }).then((r) => r.json());
    const c = await post('/api/v1/conversations', { locale: 'en', message: 'my internet is down' });
    const guide = c.quickReplies.find((q: { id: string }) => q.id.startsWith('flow:'));
    expect(guide).toBeDefined();
    const h = { 'x-conversation-token': c.token };
    const url = (p: string) => `/api/v1/conversations/${c.conversationId}/${p}`;
    await post(url('choices'), { choice: guide.id }, h);
    await post(url('choices'), { choice: 'option:red' }, h);
    await post(url('choices'), { choice: 'option:no' }, h);
    const tested = await post(url('messages'), { text: '0123456789' }, h);
    expect(tested.messages[0].text).toBe('Test result: ligne synchronisée / line in sync.');
    expect(tested.messages.at(-1).text).toBe('Great, enjoy your connection!');
  });
});
