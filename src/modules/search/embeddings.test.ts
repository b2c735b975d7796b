import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../../../test/fixtures/tiny-onnx-model.ts';
import { TEST_OUTBOUND_ALLOWLIST, tempDir } from '../../../test/helpers.ts';
import { configureOutbound, parseAllowlist } from '../../net/outbound.ts';
import { createHttpEmbeddingProvider, createLocalEmbeddingProvider, EmbeddingError } from './embeddings.ts';

/** A local server speaking the OpenAI embeddings protocol: vectors are hashed character trigrams. */
function trigramVector(text: string, dims = 16): number[] {
  const v = new Array<number>(dims).fill(0);
  const t = ` ${text.toLowerCase()} `;
  for (let i = 0; i + 3 <= t.length; i++) {
    let h = 0;
    for (const c of t.slice(i, i + 3)) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    v[h % dims]! += 1;
  }
  return v;
}

const seen: Array<{ auth?: string; model: string; input: string[] }> = [];
let mode: 'ok' | 'shuffled' | 'error' | 'slow' = 'ok';
let server: Server;
let url: string;

async function readJson(req: IncomingMessage) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return JSON.parse(raw) as { model: string; input: string[] };
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
      res.writeHead(404).end();
      return;
    }
    const body = await readJson(req);
    seen.push({ auth: req.headers.authorization, model: body.model, input: body.input });
    if (mode === 'error')
      return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
    if (mode === 'slow') await new Promise((r) => setTimeout(r, 500));
    let data = body.input.map((text, index) => ({
      object: 'embedding',
      index,
      embedding: trigramVector(text),
    }));
    if (mode === 'shuffled') data = data.reverse();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        object: 'list',
        model: body.model,
        data,
        usage: { prompt_tokens: 1, total_tokens: 1 },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // No startRelais here: let the provider reach this loopback server as the other tests do.
  configureOutbound(parseAllowlist(TEST_OUTBOUND_ALLOWLIST));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('OpenAI-compatible embedding provider', () => {
  it('embeds in input order, batched, normalized, with the key sent only as a bearer token', async () => {
    mode = 'shuffled';
    seen.length = 0;
    const p = createHttpEmbeddingProvider({
      url: `${url}/v1/`,
      model: 'mistral-embed',
      apiKey: 'sk-secret',
      batchSize: 2,
    });
    const texts = ['mot de passe oublié', 'mot de passe perdu', 'facture impayée'];
    const v = await p.embed(texts);
    expect(v).toHaveLength(3);
    expect(seen.map((s) => s.input)).toEqual([texts.slice(0, 2), texts.slice(2)]);
    expect(seen[0]).toMatchObject({ auth: 'Bearer sk-secret', model: 'mistral-embed' });
    expect(cosine(v[0]!, v[0]!)).toBeCloseTo(1, 5);
    // Order is restored from `index`: the two password texts stay closest.
    expect(cosine(v[0]!, v[1]!)).toBeGreaterThan(cosine(v[0]!, v[2]!));
    expect(p.dimensions).toBe(16);
  });

  it('reports server failures clearly, without the key', async () => {
    mode = 'error';
    const p = createHttpEmbeddingProvider({ url, model: 'm', apiKey: 'sk-secret' });
    const err = await p.embed(['x']).catch((e: Error) => e);
    expect(err).toBeInstanceOf(EmbeddingError);
    expect((err as Error).message).toMatch(/answered 500/);
    expect((err as Error).message).not.toContain('sk-secret');
  });

  it('times out', async () => {
    mode = 'slow';
    const p = createHttpEmbeddingProvider({ url, model: 'm', timeoutMs: 100 });
    await expect(p.embed(['x'])).rejects.toThrow(/unreachable/);
  });

  it('reports an unreachable endpoint', async () => {
    const p = createHttpEmbeddingProvider({ url: 'http://127.0.0.1:9', model: 'm' });
    await expect(p.embed(['x'])).rejects.toThrow(EmbeddingError);
  });
});

describe('local ONNX embedding provider', () => {
  it('explains what is missing when the model folder does not exist', async () => {
    const dir = tempDir();
    const err = await createLocalEmbeddingProvider({ dir: dir.path, model: 'multilingual-e5-small' }).catch(
      (e: Error) => e,
    );
    dir.remove();
    expect(err).toBeInstanceOf(EmbeddingError);
    expect((err as Error).message).toMatch(
      /No local embedding model at .*multilingual-e5-small.*config\.json/,
    );
  });
});

describe('local ONNX embedding provider with a model the test writes', () => {
  it('loads it from the folder and embeds by meaning', async () => {
    const dir = tempDir();
    writeTinyModel(dir.path, 'tiny', [
      ['box', 'modem', 'routeur'],
      ['facture', 'invoice', 'bill'],
    ]);
    try {
      const p = await createLocalEmbeddingProvider({ dir: dir.path, model: 'tiny' });
      const [box, modem, bill] = await p.embed(['ma box', 'mon modem', 'ma facture']);
      expect(p.dimensions).toBe(3);
      expect(cosine(box!, modem!)).toBeGreaterThan(0.99);
      expect(cosine(box!, bill!)).toBeLessThan(cosine(box!, modem!));
    } finally {
      dir.remove();
    }
  });
});
