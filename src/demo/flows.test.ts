import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotTestApp } from '../../test/bot.ts';
import type { TestApp } from '../../test/helpers.ts';
import { loadDemoFlows } from './flows.ts';
import { demoAnswerId } from './memory-source.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createBotTestApp({ env: { RELAIS_DEMO: 'on' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());

describe('demo flows', () => {
  it('load once, are offered by their answers, and run the line test served by Relais', async () => {
    const first = await loadDemoFlows(t.app.db, { publicUrl: base, articleId: demoAnswerId });
    expect(first.created).toEqual([
      'internet-down-fr',
      'change-plan-fr',
      'internet-down-en',
      'change-plan-en',
    ]);
    expect((await loadDemoFlows(t.app.db, { publicUrl: base, articleId: demoAnswerId })).created).toEqual([]);

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
