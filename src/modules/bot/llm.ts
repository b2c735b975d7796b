import { outboundFetch } from '../../net/outbound.ts';

/**
 * A chat-completions client for any OpenAI-compatible server (Mistral, OpenAI, Ollama, vLLM…):
 * POST {RELAIS_LLM_URL}/v1/chat/completions. Nothing else of Relais talks to the model.
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LLMProvider {
  readonly name: string;
  /** The assistant's reply; throws on network errors, timeouts and non-2xx answers. */
  complete(messages: ChatMessage[], options?: { maxTokens?: number; temperature?: number }): Promise<string>;
}

export function openAICompatibleProvider(config: {
  url: string;
  model: string;
  apiKey?: string | undefined;
  timeoutMs?: number;
}): LLMProvider {
  const endpoint = /\/v1$/.test(config.url)
    ? `${config.url}/chat/completions`
    : `${config.url}/v1/chat/completions`;
  return {
    name: `openai-compatible:${config.model}`,
    async complete(messages, options = {}) {
      const res = await outboundFetch(
        endpoint,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: config.model,
            messages,
            temperature: options.temperature ?? 0,
            max_tokens: options.maxTokens ?? 400,
          }),
        },
        { timeoutMs: config.timeoutMs ?? 20_000 },
      );
      if (!res.ok) throw new Error(`LLM answered HTTP ${res.status}`);
      const body = (await res.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
      const content = body.choices?.[0]?.message?.content;
      if (typeof content !== 'string') throw new Error('LLM answer without message content');
      return content;
    },
  };
}
