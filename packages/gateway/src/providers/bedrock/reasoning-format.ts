import { anthropicReasoningFormat } from "../anthropic/anthropic-reasoning-format.ts";

/**
 * Claude's thinking signatures are valid across Anthropic's API, Bedrock and Vertex, so Claude on
 * Bedrock labels its reasoning with the Anthropic adapter's format (as OpenRouter does) and a
 * conversation may move between the anthropic and bedrock routes of one model. Other Bedrock models'
 * reasoning only makes sense to Converse: "bedrock-converse-v1".
 */
export const converseReasoningFormat = "bedrock-converse-v1";

/** Formats whose reasoning details are replayed to Converse; others (Gemini, OpenAI…) are skipped. */
export const replayableReasoningFormats: ReadonlySet<string> = new Set([
  anthropicReasoningFormat,
  converseReasoningFormat,
]);

/** Bedrock ids of Claude: `anthropic.claude-…`, with an inference-profile prefix (`us.`, `global.`) or as an ARN. */
export function isClaudeModel(upstreamModel: string): boolean {
  return /(^|[./:])anthropic\.claude/.test(upstreamModel);
}

export function pickReasoningFormat(upstreamModel: string): string {
  return isClaudeModel(upstreamModel) ? anthropicReasoningFormat : converseReasoningFormat;
}
