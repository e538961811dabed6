import { startFakeUpstream, type FakeUpstream } from "./fake-upstream.ts";
import { startTestGateway, type TestGateway } from "./start-test-gateway.ts";
import { writeModelsConfig } from "./write-models-config.ts";

export interface GatewayWithFakeUpstream {
  gateway: TestGateway;
  /** Answers 500 until a test sets its handler. */
  upstream: FakeUpstream;
  close: () => Promise<void>;
}

/**
 * One vendor's fake on port 0 and the gateway in front of it with `models` as its extra catalog;
 * `env(baseUrl)` gives the vendor's variables (key, base URL in the form the adapter expects).
 */
export async function startGatewayWithFakeUpstream(
  models: readonly unknown[],
  env: (upstreamBaseUrl: string) => Record<string, string>,
): Promise<GatewayWithFakeUpstream> {
  const upstream = await startFakeUpstream(() => ({ status: 500, body: "{}" }));
  const gateway = await startTestGateway({ ...env(upstream.baseUrl), AIG_CONFIG: writeModelsConfig(models) });
  return {
    gateway,
    upstream,
    close: async () => {
      await gateway.close();
      await upstream.close();
    },
  };
}
