/** Who is asking, for attribution in the usage log. Built by the HTTP layer after authentication. */
export interface RequestContext {
  requestId: string;
  accountId: string;
  keyId: string;
  tag: string | null;
  /** performance.now() when the request arrived. */
  startedAt: number;
}
