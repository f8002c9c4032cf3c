/** Where a client points: the GenAI provider name and the server. */
export interface ServerIdentity {
  provider: string;
  serverAddress?: string;
  serverPort?: number;
}

/**
 * Derives `gen_ai.provider.name` from a client's base URL: api.openai.com → `openai`,
 * api.anthropic.com → `anthropic`, Azure OpenAI hosts → `azure.ai.openai`, anything else (vLLM, Ollama, Together, Groq, a simulator) → its
 * host name. Never throws; an unparsable URL gives `unknown`.
 */
export function identifyServer(baseURL: unknown): ServerIdentity {
  let url: URL;
  try {
    url = new URL(String(baseURL));
  } catch {
    return { provider: 'unknown' };
  }
  const host = url.hostname.toLowerCase();
  const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  let provider = host;
  if (host === 'api.openai.com') provider = 'openai';
  else if (host === 'api.anthropic.com') provider = 'anthropic';
  else if (/\.(openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/.test(host)) {
    provider = 'azure.ai.openai';
  }
  return { provider, serverAddress: host, serverPort: port };
}
