import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../../config.ts';
import type { EmbeddingProvider } from '../../engine/types.ts';
import { outboundFetch } from '../../net/outbound.ts';

export class EmbeddingError extends Error {}

export interface HttpEmbeddingOptions {
  /** Base URL of an OpenAI-compatible server, e.g. https://api.mistral.ai or http://localhost:11434. */
  url: string;
  model: string;
  apiKey?: string | undefined;
  timeoutMs?: number;
  /** Texts per request; servers cap input arrays (OpenAI 2048, TEI 32 by default). */
  batchSize?: number;
}

/**
 * OpenAI-compatible `POST /v1/embeddings` (OpenAI, Mistral, Ollama, vLLM, TEI, LM Studio…).
 * The API key stays server-side and never appears in errors or logs.
 */
export function createHttpEmbeddingProvider(options: HttpEmbeddingOptions): EmbeddingProvider {
  const base = options.url.replace(/\/+$/, '').replace(/\/v1$/, '');
  const endpoint = `${base}/v1/embeddings`;
  const batchSize = options.batchSize ?? 32;
  let dimensions: number | undefined;

  async function embedBatch(input: string[]): Promise<Float32Array[]> {
    let res: Response;
    try {
      res = await outboundFetch(
        endpoint,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: JSON.stringify({ model: options.model, input, encoding_format: 'float' }),
        },
        { timeoutMs: options.timeoutMs ?? 10_000 },
      );
    } catch (err) {
      throw new EmbeddingError(`Embedding endpoint ${endpoint} unreachable: ${(err as Error).message}`);
    }
    if (!res.ok) {
      throw new EmbeddingError(`Embedding endpoint ${endpoint} answered ${res.status}`);
    }
    const body = (await res.json().catch(() => null)) as {
      data?: Array<{ index?: number; embedding?: unknown }>;
    } | null;
    const data = body?.data;
    if (!Array.isArray(data) || data.length !== input.length) {
      throw new EmbeddingError(
        `Embedding endpoint ${endpoint} returned ${data?.length ?? 'no'} vectors for ${input.length} texts`,
      );
    }
    const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return ordered.map((d) => {
      if (!Array.isArray(d.embedding) || !d.embedding.every((x) => typeof x === 'number')) {
        throw new EmbeddingError(`Embedding endpoint ${endpoint} returned a malformed vector`);
      }
      const v = Float32Array.from(d.embedding as number[]);
      if (dimensions !== undefined && v.length !== dimensions) {
        throw new EmbeddingError(
          `Embedding endpoint ${endpoint} changed dimensions (${dimensions} → ${v.length})`,
        );
      }
      dimensions = v.length;
      return normalize(v);
    });
  }

  return {
    name: `http:${options.model}`,
    get dimensions() {
      return dimensions;
    },
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize)
        out.push(...(await embedBatch(texts.slice(i, i + batchSize))));
      return out;
    },
  };
}

export interface LocalEmbeddingOptions {
  /** Folder holding the model: `<dir>/<model>/config.json`, tokenizer files and `onnx/model*.onnx`. */
  dir: string;
  model: string;
  /** Use the quantized `onnx/model_quantized.onnx` (smaller, faster on CPU). */
  quantized?: boolean;
}

/**
 * A local ONNX sentence-embedding model run in-process by @huggingface/transformers (onnxruntime,
 * CPU). Loads only from `dir`: never downloads anything.
 */
export async function createLocalEmbeddingProvider(
  options: LocalEmbeddingOptions,
): Promise<EmbeddingProvider> {
  const dir = resolve(options.dir);
  const modelDir = join(dir, options.model);
  if (!existsSync(join(modelDir, 'config.json'))) {
    throw new EmbeddingError(
      `No local embedding model at ${modelDir} (expected config.json, tokenizer.json and onnx/model.onnx): ` +
        'set RELAIS_EMBEDDINGS_DIR and RELAIS_EMBEDDINGS_MODEL to a folder exported with Optimum or copied from a model hub.',
    );
  }
  let transformers: typeof import('@huggingface/transformers');
  try {
    transformers = await import('@huggingface/transformers');
  } catch {
    throw new EmbeddingError(
      'The optional package @huggingface/transformers is not installed: run `npm install`.',
    );
  }
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.localModelPath = `${dir}/`;
  const extractor = await transformers
    .pipeline('feature-extraction', options.model, {
      local_files_only: true,
      dtype: options.quantized ? 'q8' : 'fp32',
    })
    .catch((err: Error) => {
      throw new EmbeddingError(`Could not load the local model ${modelDir}: ${err.message}`);
    });
  let dimensions: number | undefined;
  return {
    name: `local:${options.model}`,
    get dimensions() {
      return dimensions;
    },
    async embed(texts) {
      if (texts.length === 0) return [];
      const output = await extractor(texts, { pooling: 'mean', normalize: true });
      const [rows, dims] = output.dims as [number, number];
      dimensions = dims;
      const data = output.data as Float32Array;
      return Array.from({ length: rows }, (_, i) => data.slice(i * dims, (i + 1) * dims));
    },
  };
}

function normalize(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/** The provider named by the configuration, or undefined when the semantic layer is off. */
export async function embeddingProviderFrom(
  config: Config['embeddings'],
): Promise<EmbeddingProvider | undefined> {
  if (config.kind === 'http') return createHttpEmbeddingProvider(config);
  if (config.kind === 'local') return createLocalEmbeddingProvider(config);
  return undefined;
}
