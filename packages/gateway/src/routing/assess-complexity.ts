import type { ChatCompletionRequest } from "@aigateway/protocol";

export type Complexity = "simple" | "moderate" | "complex";

export interface ComplexityReading {
  complexity: Complexity;
  score: number;
  /** The signals that scored, for X-Routing-Reason. */
  signals: string[];
}

/** Words that mark a request needing reasoning or code rather than recall or chit-chat. */
const demandingWords = [
  "prove",
  "proof",
  "step by step",
  "analyze",
  "analyse",
  "debug",
  "refactor",
  "implement",
  "algorithm",
  "optimize",
  "optimise",
  "architecture",
  "derive",
  "theorem",
  "trade-off",
  "tradeoff",
];

function collectText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    if (part && typeof part === "object" && typeof (part as { text?: unknown }).text === "string") {
      text += (part as { text: string }).text;
    }
  }
  return text;
}

function countImages(content: unknown): number {
  if (!Array.isArray(content)) return 0;
  return content.filter(
    (part) => part && typeof part === "object" && (part as { type?: unknown }).type === "image_url",
  ).length;
}

/**
 * A documented, deterministic read of how hard a chat request is. Points: prompt over 2,000
 * characters +1 (over 8,000 +2); more than 6 messages +1; tools +1; a JSON schema answer +1; an image
 * +1; a code block +1; reasoning_effort medium +1, high or above +2; max_tokens ≥ 4,000 +1; demanding
 * words in the last user message ("prove", "debug", "refactor", "step by step"…) +1 each, at most +2.
 * 0–1 is simple, 2–3 moderate, 4 or more complex.
 */
export function assessComplexity(request: ChatCompletionRequest): ComplexityReading {
  const signals: string[] = [];
  let score = 0;
  const add = (points: number, signal: string): void => {
    score += points;
    signals.push(signal);
  };
  const messages = Array.isArray(request.messages) ? request.messages : [];
  let characters = 0;
  let images = 0;
  let lastUserText = "";
  let hasCode = false;
  for (const message of messages) {
    const text = collectText(message.content);
    characters += text.length;
    hasCode ||= text.includes("```");
    images += countImages(message.content);
    if (message.role === "user") lastUserText = text;
  }
  if (characters > 8_000) add(2, "long prompt");
  else if (characters > 2_000) add(1, "medium prompt");
  if (messages.length > 6) add(1, "long conversation");
  if (Array.isArray(request.tools) && request.tools.length > 0) add(1, "tools");
  if (request.response_format?.type === "json_schema") add(1, "json schema");
  if (images > 0) add(1, "images");
  if (hasCode) add(1, "code");
  const effort = request.reasoning_effort;
  if (effort === "medium") add(1, "reasoning effort");
  else if (effort === "high" || effort === "xhigh" || effort === "max") add(2, "high reasoning effort");
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === "number" && maxTokens >= 4_000) add(1, "long answer");
  const lowered = lastUserText.toLowerCase();
  const demanding = demandingWords.filter((word) => lowered.includes(word)).slice(0, 2);
  for (const word of demanding) add(1, `mentions ${word}`);
  const complexity: Complexity = score >= 4 ? "complex" : score >= 2 ? "moderate" : "simple";
  return { complexity, score, signals };
}
