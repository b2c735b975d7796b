import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBotTestApp, doc } from '../../../test/bot.ts';
import { ADMIN, buildStaff, type Session, signIn, type TestApp } from '../../../test/helpers.ts';
import type { FlowDefinitionInput } from './flow-schema.ts';

let t: TestApp;
let admin: Session;
let company: Server;
let companyUrl: string;
const received: Array<{ url: string; auth: string | undefined; body: string }> = [];

beforeAll(async () => {
  // The company's own API, played for real: a line test that answers, fails, or hangs.
  company = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ url: req.url ?? '', auth: req.headers.authorization, body });
      const line = (JSON.parse(body || '{}') as { line?: string }).line ?? '';
      if (line === 'slow') return void setTimeout(() => res.end('{}'), 6000);
      if (line === 'broken') return void res.writeHead(500).end('{"error":"boom"}');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'ok', sync: { down: 512 } }));
    });
  });
  await new Promise<void>((r) => company.listen(0, '127.0.0.1', r));
  companyUrl = `http://127.0.0.1:${(company.address() as AddressInfo).port}`;
  t = await createBotTestApp({
    docs: [
      doc('no-internet', 'fr', 'Je n’ai plus internet', [
        'je n ai plus internet',
        'box en panne',
        'internet coupé',
      ]),
    ],
  });
  admin = await signIn(t.app, ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await t.close();
  company.closeAllConnections();
  company.close();
});

const troubleshooting = (key: string, locale = 'fr'): FlowDefinitionInput => ({
  key,
  title: locale === 'fr' ? 'Internet en panne' : 'Internet down',
  locale,
  start: 'light',
  nodes: {
    light: {
      type: 'question',
      text: locale === 'fr' ? 'De quelle couleur est le voyant ?' : 'What colour is the light?',
      choices: [
        { value: 'white', label: locale === 'fr' ? 'Blanc' : 'White', next: 'line' },
        { value: 'red', label: locale === 'fr' ? 'Rouge' : 'Red', next: 'restart' },
      ],
    },
    restart: {
      type: 'message',
      text: locale === 'fr' ? 'Redémarrez la box.' : 'Restart the box.',
      next: 'done',
    },
    line: {
      type: 'question',
      text: locale === 'fr' ? 'Votre numéro de ligne ?' : 'Your line number?',
      input: { kind: 'regex', pattern: '[a-z]+|\\d{10}', next: 'test' },
    },
    test: {
      type: 'action',
      connection: 'nuvia',
      method: 'POST',
      path: '/line-test',
      body: { line: '{{answers.line}}' },
      timeoutMs: 3000,
      successText:
        locale === 'fr'
          ? 'Ligne {{response.status}}, débit {{response.sync.down}} Mb/s.'
          : 'Line {{response.status}}, {{response.sync.down}} Mb/s.',
      next: 'done',
      onFailure: 'human',
    },
    done: { type: 'end', text: locale === 'fr' ? 'Bonne navigation !' : 'Enjoy!' },
    human: {
      type: 'escalate',
      text: locale === 'fr' ? 'Je passe la main à un conseiller.' : 'Handing over to an advisor.',
    },
  },
});

async function createPublished(def: FlowDefinitionInput) {
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/flows',
    headers: admin.headers,
    payload: { definition: def },
  });
  expect(created.statusCode).toBe(201);
  const { id } = created.json();
  const published = await t.app.inject({
    method: 'POST',
    url: `/api/v1/flows/${id}/publish`,
    headers: admin.headers,
    payload: {},
  });
  expect(published.statusCode).toBe(200);
  return id as string;
}

async function startWithFlow(flowId: string, locale = 'fr') {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/conversations',
    payload: { locale, flowId },
  });
  expect(res.statusCode).toBe(201);
  const body = res.json();
  const headers = { 'x-conversation-token': body.token };
  const post = async (path: 'messages' | 'choices', payload: object) =>
    (
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${body.conversationId}/${path}`,
        headers,
        payload,
      })
    ).json();
  return { body, post };
}

describe('guided flows', () => {
  beforeAll(async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/flow-connections/nuvia',
      headers: admin.headers,
      payload: { baseUrl: companyUrl, headers: { authorization: 'Bearer s3cret-token' }, timeoutMs: 4000 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('s3cret-token');
  });

  it('runs a flow whose HTTP action succeeds, with the secret header sent server-side only', async () => {
    const id = await createPublished(troubleshooting('internet-ok'));
    const { body, post } = await startWithFlow(id);
    expect(body.messages.at(-1).text).toBe('De quelle couleur est le voyant ?');
    expect(body.quickReplies.map((q: { id: string }) => q.id)).toEqual(['option:white', 'option:red']);
    expect(body.flow).toMatchObject({ flowId: id, nodeId: 'light' });
    await post('choices', { choice: 'option:white' });
    const bad = await post('messages', { text: '12' });
    expect(bad.messages[0].text).toMatch(/ne semble pas valide/);
    const done = await post('messages', { text: '0123456789' });
    expect(done.messages.map((m: { text: string }) => m.text)).toEqual([
      'Ligne ok, débit 512 Mb/s.',
      'Bonne navigation !',
    ]);
    expect(done.flow).toBeNull();
    expect(received.at(-1)).toMatchObject({
      url: '/line-test',
      auth: 'Bearer s3cret-token',
      body: '{"line":"0123456789"}',
    });
    const conns = await t.app.inject({
      method: 'GET',
      url: '/api/v1/flow-connections',
      headers: admin.headers,
    });
    expect(conns.body).not.toContain('s3cret-token');
  });

  it('takes the failure branch on an error or a timeout, and escalates with the flow path (English)', async () => {
    const id = await createPublished(troubleshooting('internet-fail', 'en'));
    for (const line of ['broken', 'slow']) {
      const { post } = await startWithFlow(id, 'en');
      await post('messages', { text: 'White' });
      const out = await post('messages', { text: line });
      expect(out.messages.map((m: { text: string }) => m.text)).toEqual([
        'I couldn’t run this check right now.',
        'Handing over to an advisor.',
        expect.stringMatching(/passed to an advisor/),
      ]);
      expect(out.status).toBe('escalated');
      const { botEscalations } = await import('../../db/schema.ts');
      const { eq } = await import('drizzle-orm');
      const [esc] = await t.app.db
        .select()
        .from(botEscalations)
        .where(eq(botEscalations.id, out.escalationId));
      const ctx = (
        esc!.request as { context: { source: string; flowPath: Array<{ nodeId: string; answer?: string }> } }
      ).context;
      expect(ctx.source).toBe('flow');
      expect(ctx.flowPath.map((p) => p.nodeId)).toEqual(['light', 'line', 'test', 'human']);
      expect(ctx.flowPath[0]!.answer).toBe('white');
    }
  });

  it('reports each flow by name, steps by what the customer saw, solved and handed over apart', async () => {
    // Rollups fold events a few seconds old: ask until the last runs are in.
    await vi.waitFor(
      async () => {
        const res = await t.app.inject({ url: '/api/v1/analytics/reports', headers: admin.headers });
        expect(res.statusCode, res.body).toBe(200);
        const flows = res.json().flows as Array<{
          name: string;
          started: number;
          completed: number;
          escalated: number;
          steps: Array<{ stepId: string; label: string | null }>;
        }>;
        const ok = flows.find((f) => f.name === troubleshooting('internet-ok').title);
        const failed = flows.find((f) => f.name === troubleshooting('internet-fail', 'en').title);
        expect(ok).toMatchObject({ started: 1, completed: 1, escalated: 0 });
        expect(failed).toMatchObject({ started: 2, completed: 0, escalated: 2 });
        // In the order a customer meets them, labelled with what they read.
        expect(ok!.steps.map((st) => st.stepId)).toEqual(['light', 'line', 'test', 'done']);
        expect(ok!.steps[0]).toMatchObject({ label: 'De quelle couleur est le voyant ?' });
        expect(JSON.stringify(flows)).not.toMatch(/"name":null/);
      },
      { timeout: 30_000, interval: 1_000 },
    );
  });

  it('explains dead ends in the reader’s language', async () => {
    const base = troubleshooting('broken-flow-fr');
    const definition = {
      ...base,
      nodes: { ...base.nodes, restart: { type: 'message', text: 'x', next: 'nowhere' } },
    };
    const check = await t.app.inject({
      method: 'POST',
      url: '/api/v1/flows/validate',
      headers: { ...admin.headers, 'accept-language': 'fr' },
      payload: { definition },
    });
    expect(check.json().issues[0].message).toBe(
      'L’étape «\u00a0restart\u00a0» mène à «\u00a0nowhere\u00a0», qui n’existe pas (impasse).',
    );
  });

  it('is offered by the answer it is linked to', async () => {
    const id = await createPublished(troubleshooting('internet-linked'));
    const link = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/article-flows/no-internet',
      headers: admin.headers,
      payload: { flowId: id },
    });
    expect(link.statusCode).toBe(204);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/conversations',
      payload: { locale: 'fr', message: 'internet coupé' },
    });
    const c = res.json();
    expect(c.quickReplies[0]).toEqual({ id: `flow:${id}`, label: 'Me guider pas à pas' });
    const started = await t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${c.conversationId}/choices`,
      headers: { 'x-conversation-token': c.token },
      payload: { choice: `flow:${id}` },
    });
    expect(started.json().messages.at(-1).text).toBe('De quelle couleur est le voyant ?');
  });

  it('rejects dead ends, unreachable nodes and cycles without exit, naming the nodes', async () => {
    const base = troubleshooting('broken-flow');
    const cases: Array<[FlowDefinitionInput, string]> = [
      [
        { ...base, nodes: { ...base.nodes, restart: { type: 'message', text: 'x', next: 'nowhere' } } },
        'definition.nodes.restart.next',
      ],
      [{ ...base, nodes: { ...base.nodes, orphan: { type: 'end' } } }, 'definition.nodes.orphan'],
      [
        {
          ...base,
          nodes: {
            ...base.nodes,
            restart: { type: 'message', text: 'x', next: 'again' },
            again: { type: 'message', text: 'y', next: 'restart' },
          },
        },
        'definition.nodes.restart',
      ],
    ];
    for (const [definition, field] of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/flows',
        headers: admin.headers,
        payload: { definition },
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().field).toBe(field);
      const check = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/flows/validate',
          headers: admin.headers,
          payload: { definition },
        })
      ).json();
      expect(check.valid).toBe(false);
      expect(check.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
    const schema = await t.app.inject({ method: 'GET', url: '/api/v1/flows/schema.json' });
    expect(schema.json().properties.nodes).toBeDefined();
  });

  it('lets editors write, only publishers publish, and nobody anonymous', async () => {
    const editor = await buildStaff(t.app, 'editor');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/flows',
      headers: editor.headers,
      payload: { definition: troubleshooting('by-editor') },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const saved = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/flows/${id}`,
      headers: editor.headers,
      payload: { definition: { ...troubleshooting('by-editor'), title: 'v2' } },
    });
    expect(saved.json()).toMatchObject({ latestVersion: 2, publishedVersion: null });
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/flows/${id}/publish`,
          headers: editor.headers,
          payload: {},
        })
      ).statusCode,
    ).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/flows' })).statusCode).toBe(401);
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: '/api/v1/flow-connections/x',
          headers: editor.headers,
          payload: { baseUrl: 'http://x.test' },
        })
      ).statusCode,
    ).toBe(403);
    // The builder's connection picker: editors see the names only, never a URL or a header.
    const names = await t.app.inject({
      method: 'GET',
      url: '/api/v1/flow-connections/names',
      headers: editor.headers,
    });
    expect(names.json()).toEqual({ items: expect.arrayContaining(['nuvia']) });
    expect(names.body).not.toMatch(/https?:|s3cret/);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/flow-connections/names' })).statusCode).toBe(
      401,
    );
    const detail = (
      await t.app.inject({ method: 'GET', url: `/api/v1/flows/${id}?version=1`, headers: editor.headers })
    ).json();
    expect(detail.definition.title).toBe('Internet en panne');
    expect(detail.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    // An unpublished flow cannot be started by the public.
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/conversations',
      payload: { locale: 'fr', flowId: id },
    });
    expect(res.statusCode).toBe(404);
    const preview = await t.app.inject({
      method: 'POST',
      url: '/api/v1/flows/preview',
      headers: editor.headers,
      payload: { definition: troubleshooting('preview-me'), answers: ['Rouge'] },
    });
    expect(preview.json(), preview.body).toMatchObject({ path: ['light', 'restart', 'done'], exit: 'end' });
  });
});
