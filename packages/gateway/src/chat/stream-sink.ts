/** Where a streamed answer goes; implemented by the HTTP layer over the raw response. */
export interface StreamSink {
  /** Sends the status line and headers; called once, right before the first frame. */
  open(headers: Record<string, string>): void;
  /** Writes one frame; false means the client is slow and `drain()` should be awaited. */
  write(frame: string): boolean;
  drain(): Promise<void>;
  end(): void;
}
