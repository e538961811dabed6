import type { ReasoningDetail, ToolCallDelta } from "@aigateway/protocol";
import { createToolCallId } from "./create-tool-call-id.ts";
import {
  geminiReasoningFormat,
  type GeminiFunctionCall,
  type GeminiPart,
  type GeminiPartialArgument,
} from "./gemini-wire-types.ts";

/** What one candidate has produced so far; kept across the chunks of a stream. */
export interface CandidateState {
  candidateIndex: number;
  toolCallCount: number;
  reasoningDetailCount: number;
  thoughtDetailIndex: number | undefined;
  /** A function call whose arguments are still arriving (Vertex AI's streamFunctionCallArguments). */
  openCall: { index: number; id: string; arguments: Record<string, unknown> } | undefined;
}

export function createCandidateState(candidateIndex: number): CandidateState {
  return {
    candidateIndex,
    toolCallCount: 0,
    reasoningDetailCount: 0,
    thoughtDetailIndex: undefined,
    openCall: undefined,
  };
}

export interface PartsDelta {
  content: string;
  reasoning: string;
  reasoningDetails: ReasoningDetail[];
  toolCalls: ToolCallDelta[];
}

function readPath(jsonPath: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const match of jsonPath.replace(/^\$/, "").matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    keys.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? ""));
  }
  return keys;
}

/** Applies Vertex partialArgs (a value, or a fragment of a string, at a JSON path) to the arguments so far. */
function applyPartialArguments(
  target: Record<string, unknown>,
  partials: GeminiPartialArgument[] = [],
): void {
  for (const partial of partials) {
    const keys = readPath(partial.jsonPath ?? "");
    const last = keys.pop();
    if (last === undefined) continue;
    let node: Record<string | number, unknown> = target;
    keys.forEach((key, position) => {
      const next = node[key];
      if (typeof next === "object" && next !== null) {
        node = next as Record<string | number, unknown>;
        return;
      }
      const created = (typeof (keys[position + 1] ?? last) === "number" ? [] : {}) as Record<
        string | number,
        unknown
      >;
      node[key] = created;
      node = created;
    });
    let value: unknown = null;
    if (partial.stringValue !== undefined) {
      const existing = node[last];
      value = typeof existing === "string" ? existing + partial.stringValue : partial.stringValue;
    } else if (partial.numberValue !== undefined) value = partial.numberValue;
    else if (partial.boolValue !== undefined) value = partial.boolValue;
    node[last] = value;
  }
}

function readFunctionCall(
  call: GeminiFunctionCall,
  state: CandidateState,
  responseId: string,
  delta: PartsDelta,
): string {
  const open = state.openCall;
  if (open && call.name === undefined) {
    applyPartialArguments(open.arguments, call.partialArgs);
    if (!call.willContinue) {
      delta.toolCalls.push({ index: open.index, function: { arguments: JSON.stringify(open.arguments) } });
      state.openCall = undefined;
    }
    return open.id;
  }
  const index = state.toolCallCount++;
  const name = call.name ?? "";
  const id = call.id || createToolCallId(responseId, state.candidateIndex, index, name);
  if (call.willContinue) {
    const pending = { index, id, arguments: { ...call.args } };
    applyPartialArguments(pending.arguments, call.partialArgs);
    state.openCall = pending;
    delta.toolCalls.push({ index, id, type: "function", function: { name, arguments: "" } });
    return id;
  }
  const args = { ...call.args };
  applyPartialArguments(args, call.partialArgs);
  // A call without arguments is "{}", which every client can JSON.parse.
  delta.toolCalls.push({ index, id, type: "function", function: { name, arguments: JSON.stringify(args) } });
  return id;
}

/**
 * Gemini parts as an OpenAI delta: thought parts are reasoning, other text is content, function calls
 * are tool calls with stable ids. Every thought signature becomes a reasoning_details entry that says
 * where it goes back: on the thought text (reasoning.text with `signature`), on the call with that
 * tool call `id`, or on the answer's text (reasoning.encrypted without id). Other part kinds
 * (inline images, code execution) are not translated.
 */
export function readGeminiParts(
  parts: readonly GeminiPart[],
  state: CandidateState,
  responseId: string,
): PartsDelta {
  const delta: PartsDelta = { content: "", reasoning: "", reasoningDetails: [], toolCalls: [] };
  const addEncrypted = (data: string, id?: string): void => {
    const detail: ReasoningDetail = {
      type: "reasoning.encrypted",
      data,
      format: geminiReasoningFormat,
      index: state.reasoningDetailCount++,
    };
    if (id !== undefined) detail.id = id;
    delta.reasoningDetails.push(detail);
  };
  for (const part of parts) {
    if (part.functionCall) {
      const id = readFunctionCall(part.functionCall, state, responseId, delta);
      if (part.thoughtSignature) addEncrypted(part.thoughtSignature, id);
      continue;
    }
    if (part.thought && typeof part.text === "string") {
      delta.reasoning += part.text;
      state.thoughtDetailIndex ??= state.reasoningDetailCount++;
      const detail: ReasoningDetail = {
        type: "reasoning.text",
        text: part.text,
        format: geminiReasoningFormat,
        index: state.thoughtDetailIndex,
      };
      if (part.thoughtSignature) detail.signature = part.thoughtSignature;
      delta.reasoningDetails.push(detail);
      continue;
    }
    if (typeof part.text === "string") delta.content += part.text;
    if (part.thoughtSignature) addEncrypted(part.thoughtSignature);
  }
  return delta;
}

/** Stream pieces of one reasoning_details entry (same index) joined: text concatenated, last signature kept. */
export function mergeReasoningDetails(details: readonly ReasoningDetail[]): ReasoningDetail[] {
  const merged = new Map<number, ReasoningDetail>();
  for (const detail of details) {
    const key = detail.index ?? merged.size;
    const existing = merged.get(key);
    if (existing?.type === "reasoning.text" && detail.type === "reasoning.text") {
      existing.text += detail.text;
      if (detail.signature) existing.signature = detail.signature;
    } else {
      merged.set(key, { ...detail });
    }
  }
  return [...merged.values()];
}
