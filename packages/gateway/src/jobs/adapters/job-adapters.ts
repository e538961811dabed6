import { deepgramJobAdapter } from "./deepgram-job-adapter.ts";
import { falJobAdapter } from "./fal-job-adapter.ts";
import { veoJobAdapter } from "./veo-job-adapter.ts";
import type { JobAdapter } from "../job-adapter.ts";

/** Submit-and-poll adapters by provider id; a catalog route on another provider is not async-capable here. */
export const jobAdapters: ReadonlyMap<string, JobAdapter> = new Map(
  [falJobAdapter, veoJobAdapter, deepgramJobAdapter].map((adapter) => [adapter.provider, adapter]),
);
