import type { AccountProfile } from "../accounts/account-directory.ts";
import type { CacheMode } from "../cache/response-cache.ts";

/** Client disconnects are logged with nginx's 499 ("client closed request"). */
export const clientClosedStatus = 499;

/** Who is asking, for limits and attribution. Built by the HTTP layer after authentication. */
export interface RequestContext {
  requestId: string;
  accountId: string;
  /** Who pays: the parent of a sub-account, else `accountId`. */
  billingAccountId: string;
  keyId: string;
  /** `x-aig-tag`, else the account's default tag. */
  tag: string | null;
  /** performance.now() when the request arrived. */
  startedAt: number;
  /** The endpoint logged in usage when it is not the service's own (the Messages API over chat). */
  endpoint?: string;
  /** Caps and allowed models; absent only for internal callers that bill no one. */
  profile?: AccountProfile;
  /** `x-cache`; auto when absent. */
  cacheMode?: CacheMode;
}
