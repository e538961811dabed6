import { writeModelsConfig } from "./write-models-config.ts";

/**
 * A config file adding `test/priced`: gpt-4.1-nano behind the openai provider at $1,000 per 1M output
 * tokens and free input, so the recorded completion (363 output tokens) costs exactly 36.3 cents and
 * a request with max_tokens 363 reserves exactly what it will cost.
 */
export function writePricedModelConfig(): string {
  return writeModelsConfig([
    {
      id: "test/priced",
      name: "Priced test model",
      lab: "test",
      modality: "text",
      context_window: 100_000,
      max_output_tokens: 4_000,
      capabilities: ["streaming"],
      released: "2026-01-01",
      routes: [
        {
          provider: "openai",
          upstream_id: "gpt-4.1-nano",
          pricing: { input: "0", output: "1000" },
          price_source: "test",
          price_as_of: "2026-01-01",
        },
      ],
    },
  ]);
}

/** What one recorded completion costs on `test/priced`, in nanodollars. */
export const pricedCompletionNanodollars = 363_000_000;
