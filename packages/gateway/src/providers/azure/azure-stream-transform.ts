import type { ChatCompletionChunk, SseEvent } from "@aigateway/protocol";
import type { ChatStreamItem, ChatStreamTransform, ChatTarget } from "../provider-adapter.ts";

// Azure's filter-annotation chunks carry blank envelope fields ("id":"", "object":"", "created":0).
const blankEnvelope = '"object":""';

type AnnotationFields = Record<string, unknown>;

function annotationsOf(chunk: ChatCompletionChunk): AnnotationFields {
  const { id: _id, object: _object, created: _created, model: _model, choices: _choices, ...rest } = chunk;
  return rest;
}

/**
 * Wraps the OpenAI-compatible stream transform for Azure's extra chunks. Azure opens a stream with a
 * chunk that has no choices, blank id/model/object and `prompt_filter_results`; passed on as is, it
 * would become the stream's "first chunk" (blank id, upstream model name left in the chunks after
 * it) and the openai SDK would copy its blank fields onto the completion. Such chunks are held and
 * their fields (prompt_filter_results…) added to the next chunk; a chunk with choices but a blank
 * envelope gets the stream's own. `content_filter_results` and finish_reason "content_filter" pass
 * through untouched.
 */
export function createAzureStreamTransform(
  inner: ChatStreamTransform,
  target: ChatTarget,
): ChatStreamTransform {
  let held: AnnotationFields | undefined;

  function attachHeld(items: ChatStreamItem[]): ChatStreamItem[] {
    if (!held) return items;
    const index = items.findIndex((item) => item.type === "chunk");
    const item = items[index];
    if (!item || item.type !== "chunk") return items;
    const chunk = { ...(JSON.parse(item.data) as ChatCompletionChunk), ...held };
    held = undefined;
    items[index] = { ...item, data: JSON.stringify(chunk) };
    return items;
  }

  return {
    get completionId() {
      return inner.completionId;
    },
    get created() {
      return inner.created;
    },
    push(event: SseEvent): ChatStreamItem[] {
      if (!event.data.includes(blankEnvelope)) return attachHeld(inner.push(event));
      let chunk: ChatCompletionChunk;
      try {
        chunk = JSON.parse(event.data) as ChatCompletionChunk;
      } catch {
        return inner.push(event);
      }
      if (!Array.isArray(chunk.choices) || chunk.choices.length === 0) {
        held = { ...held, ...annotationsOf(chunk) };
        return [];
      }
      chunk.id = inner.completionId || chunk.id;
      chunk.object = "chat.completion.chunk";
      chunk.created = inner.created || chunk.created;
      chunk.model = target.slug;
      return attachHeld(inner.push({ ...event, data: JSON.stringify(chunk) }));
    },
    end(): ChatStreamItem[] {
      const items = inner.end();
      if (!held || items.some((item) => item.type === "error")) return items;
      const annotations: ChatStreamItem = {
        type: "chunk",
        data: JSON.stringify({
          id: inner.completionId,
          object: "chat.completion.chunk",
          created: inner.created,
          model: target.slug,
          choices: [],
          ...held,
        }),
        hasContent: false,
      };
      held = undefined;
      return [annotations, ...items];
    },
  };
}
