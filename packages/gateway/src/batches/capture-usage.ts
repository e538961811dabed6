import type { Admission, SpendGuard } from "../accounts/spend-guard.ts";
import type { UsageRecord } from "../storage/storage.ts";
import type { UsageWriter } from "../usage/usage-writer.ts";
import { applyBatchDiscount } from "./apply-batch-discount.ts";

/**
 * A UsageWriter for batch lines: the chat and embedding services record into it instead of the
 * write-behind log, and the batch worker takes a line's rows (discounted) to commit them in the same
 * transaction as the line's result — the one place a line is charged.
 */
export interface UsageCapture extends UsageWriter {
  /** Removes and returns the rows recorded under this request id. */
  take(requestId: string): UsageRecord[];
  /** The discounted cost recorded so far under this request id, without removing it. */
  peekCost(requestId: string): number | undefined;
}

export function createUsageCapture(discountPpm: number): UsageCapture {
  const captured = new Map<string, UsageRecord[]>();
  return {
    record(usage) {
      const discounted = {
        ...usage,
        costNanodollars: applyBatchDiscount(usage.costNanodollars, discountPpm),
      };
      const rows = captured.get(usage.requestId);
      if (rows) rows.push(discounted);
      else captured.set(usage.requestId, [discounted]);
    },
    take(requestId) {
      const rows = captured.get(requestId) ?? [];
      captured.delete(requestId);
      return rows;
    },
    peekCost(requestId) {
      const rows = captured.get(requestId);
      return rows?.reduce((total, row) => total + row.costNanodollars, 0);
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
}

/** Caps see the discounted cost too: the reservation is the full worst case, the settlement discounted. */
export function discountSpendGuard(guard: SpendGuard, discountPpm: number): SpendGuard {
  return {
    async admit(profile, tag, model, worstCase) {
      const admission = await guard.admit(profile, tag, model, worstCase);
      const discounted: Admission = {
        reservedNanodollars: admission.reservedNanodollars,
        settle: (actual) => admission.settle(applyBatchDiscount(actual, discountPpm)),
      };
      return discounted;
    },
  };
}
