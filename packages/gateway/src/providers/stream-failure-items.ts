import { UpstreamError } from "@aigateway/protocol";
import type { ChatStreamItem } from "./provider-adapter.ts";

/** An upstream stream event that is not JSON; its start is kept for the log. */
export function reportMalformedStreamEvent(provider: string, data: string): ChatStreamItem {
  return {
    type: "error",
    error: new UpstreamError("provider_error", {
      provider,
      upstreamStatus: null,
      upstreamBody: data.slice(0, 500),
      message: `Provider ${provider} sent a malformed stream event.`,
    }),
  };
}

/** An upstream body that ended without the vendor's last event; `before` names that event. */
export function reportStreamEndedEarly(provider: string, before = "it was complete"): ChatStreamItem {
  return {
    type: "error",
    error: new UpstreamError("provider_error", {
      provider,
      upstreamStatus: null,
      message: `Provider ${provider} ended the stream before ${before}.`,
    }),
  };
}
