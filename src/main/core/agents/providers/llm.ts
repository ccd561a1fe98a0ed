import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, NoObjectGeneratedError, Output, streamText, type LanguageModel } from 'ai';
import type { z } from 'zod';
import { OutputRejected, parseAgentText, structuredOutputSchema } from '../output';
import type { AgentOutput, AgentProvider, ProviderCall, ProviderResult, ProviderUsage } from '../types';
import { checkUsage } from '../usage';
import { parseRetryAfter, ProviderError } from './errors';
import { systemPrompt, userPrompt } from './prompt';

export interface LlmProviderOptions {
  kind: 'openai' | 'anthropic';
  model: string;
  /** OpenAI-compatible: the `/v1` base URL. Anthropic: optional override. */
  baseUrl?: string;
  apiKey?: string;
  /** Default 5 minutes for the whole call. */
  timeoutMs?: number;
  /** Stream the answer (SSE). Off by default: structured output is read whole either way. */
  stream?: boolean;
  /** For tests and proxies. */
  fetch?: typeof globalThis.fetch;
  /** USD per million input and output tokens; without it a run's cost is unknown (null), never a made-up zero. */
  price?: { input: number; output: number };
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Awaits a stream's result; an error the stream reported (its HTTP status, say) wins over the generic one. */
async function settle<T>(value: PromiseLike<T>, reported: () => unknown): Promise<T> {
  let result: T;
  try {
    result = await value;
  } catch (err) {
    throw reported() ?? err;
  }
  const error = reported();
  if (error) throw error;
  return result;
}

interface Answer {
  structured: z.infer<typeof structuredOutputSchema> | undefined;
  text: string;
  usage: { inputTokens?: number | undefined; outputTokens?: number | undefined };
}

function modelFor(opts: LlmProviderOptions): LanguageModel {
  if (opts.kind === 'anthropic') {
    return createAnthropic({
      ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
      ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    })(opts.model);
  }
  return createOpenAICompatible({
    name: 'openai-compatible',
    baseURL: opts.baseUrl ?? 'http://127.0.0.1:11434/v1',
    ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
    supportsStructuredOutputs: true,
    includeUsage: true,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  }).chatModel(opts.model);
}

/** The structured answer with nulls dropped; the same limits as any other agent output. */
function fromStructured(value: z.infer<typeof structuredOutputSchema>): AgentOutput {
  return parseAgentText(
    JSON.stringify({
      notes: value.notes,
      ...(value.question ? { question: value.question } : {}),
      ...(value.subtasks?.length ? { subtasks: value.subtasks } : {}),
    }),
  );
}

/** Maps an SDK or network failure onto the runtime's retry policy. */
export function providerErrorFrom(err: unknown, timedOut: boolean, label: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (timedOut) return new ProviderError('timeout', `${label} did not answer in time`, true);
  if (APICallError.isInstance(err)) {
    const status = err.statusCode ?? 0;
    const detail = `${label}: HTTP ${status || '?'} ${err.message}`.slice(0, 500);
    if (status === 429) {
      const headers = err.responseHeaders ?? {};
      return new ProviderError('rate_limited', detail, true, parseRetryAfter(headers['retry-after']));
    }
    if (status === 401 || status === 403) return new ProviderError('config', `${detail} (check the API key)`, false);
    if (status === 404) return new ProviderError('config', `${detail} (check base_url and model)`, false);
    return new ProviderError('provider', detail, status === 0 || status === 408 || status >= 500 || err.isRetryable);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return new ProviderError('timeout', `${label}: ${message}`, true);
  }
  // Network errors (connection refused, reset): the server may come back.
  return new ProviderError('provider', `${label}: ${message}`.slice(0, 500), true);
}

/**
 * An LLM through the Vercel AI SDK: any OpenAI-compatible endpoint (Ollama,
 * LM Studio, llama.cpp, vLLM, OpenRouter, OpenAI) or Anthropic. Asks for
 * structured output; a model that cannot produce it has its text taken as
 * notes (or as protocol JSON, if that is what it wrote). The SDK's own retries
 * are off: the runtime retries whole runs, honouring Retry-After.
 */
export class LlmProvider implements AgentProvider {
  readonly label: string;
  private readonly model: LanguageModel;

  constructor(private readonly opts: LlmProviderOptions) {
    this.label = `${opts.kind} ${opts.model}`;
    this.model = modelFor(opts);
  }

  async run(call: ProviderCall): Promise<ProviderResult> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = AbortSignal.any([call.signal, timeout]);
    const prompt = { system: systemPrompt(call.input), prompt: userPrompt(call.input) };
    let answer: Answer;
    try {
      answer = await this.ask(prompt, signal, true);
    } catch (err) {
      if (NoObjectGeneratedError.isInstance(err)) {
        // The model answered, just not in the schema: its text is still the result.
        answer = { structured: undefined, text: err.text ?? '', usage: err.usage ?? {} };
      } else if (APICallError.isInstance(err) && (err.statusCode === 400 || err.statusCode === 422)) {
        // Some servers refuse response_format; ask again for plain text.
        try {
          answer = await this.ask(prompt, signal, false);
        } catch (retryErr) {
          throw providerErrorFrom(retryErr, timeout.aborted, this.label);
        }
      } else {
        throw providerErrorFrom(err, timeout.aborted, this.label);
      }
    }
    let output: AgentOutput;
    try {
      output = answer.structured ? fromStructured(answer.structured) : parseAgentText(answer.text);
    } catch (err) {
      const message = err instanceof OutputRejected ? err.message : String(err);
      throw new ProviderError('output', `${this.label}: ${message}`, true);
    }
    // Counts are checked before pricing them: a server's 1e308 would otherwise overflow the cost to Infinity.
    const { usage: tokens, problems } = checkUsage({
      input_tokens: answer.usage.inputTokens,
      output_tokens: answer.usage.outputTokens,
    });
    const price = this.opts.price;
    const usage: ProviderUsage = {
      ...tokens,
      cost: price ? (tokens.inputTokens * price.input + tokens.outputTokens * price.output) / 1_000_000 : null,
    };
    return { output, usage, rawText: answer.text, ...(problems.length > 0 ? { usageProblems: problems } : {}) };
  }

  private async ask(
    prompt: { system: string; prompt: string },
    signal: AbortSignal,
    structured: boolean,
  ): Promise<Answer> {
    const common = { model: this.model, ...prompt, maxRetries: 0, abortSignal: signal };
    if (!this.opts.stream) {
      if (!structured) {
        const r = await generateText(common);
        return { structured: undefined, text: r.text, usage: r.usage };
      }
      const r = await generateText({ ...common, output: Output.object({ schema: structuredOutputSchema }) });
      return { structured: r.output, text: r.text, usage: r.usage };
    }
    let streamError: unknown;
    const onError = ({ error }: { error: unknown }): void => {
      streamError ??= error;
    };
    if (!structured) {
      const r = streamText({ ...common, onError });
      const text = await settle(r.text, () => streamError);
      return { structured: undefined, text, usage: await r.usage };
    }
    const r = streamText({ ...common, onError, output: Output.object({ schema: structuredOutputSchema }) });
    const text = await settle(r.text, () => streamError);
    const output = await r.output;
    return { structured: output, text, usage: await r.usage };
  }
}
