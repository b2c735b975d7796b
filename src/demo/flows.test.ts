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
    expect(tested.messages[0].text).toBe('Test result: line in sync.');
    // A line in sync does not mean the customer is online again: asked, and offered a human on "no".
    expect(tested.messages.at(-1).text).toBe('Your line is fine. Is internet working now?');
    const still = await post(url('choices'), { choice: 'option:no' }, h);
    expect(still.status).toBe('escalated');
    expect(still.escalationId).toBeTruthy();
    expect(still.messages[0].text).toContain('Your line is in sync but internet still does not work');
  });
});

describe('every demo flow', () => {
  it('offers a human wherever a customer can end up unhelped: each end is reached only after a "yes"', async () => {
    const { getFlow } = await import('../modules/bot/flow-service.ts');
    const { flowIds } = await loadDemoFlows(t.app.db, { publicUrl: base, articleId: () => undefined });
    expect(flowIds.length).toBe(4);
    for (const id of flowIds) {
      const { version } = await getFlow(t.app.db, id);
      const nodes = version.definition.nodes as Record<
        string,
        { type: string; next?: string; choices?: Array<{ value: string; next: string }> }
      >;
      const ends = Object.keys(nodes).filter((k) => nodes[k]!.type === 'end');
      expect(Object.values(nodes).some((n) => n.type === 'escalate')).toBe(true);
      for (const end of ends) {
        // Whatever leads to an end is a question whose choice into it is the customer's "yes".
        for (const node of Object.values(nodes)) {
          if (node.next === end)
            throw new Error(`${version.definition.key}: a step falls into "${end}" unasked`);
          for (const c of node.choices ?? []) if (c.next === end) expect(c.value).toBe('yes');
        }
      }
    }
  });
});
