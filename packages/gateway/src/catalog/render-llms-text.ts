import { priceAt, type Catalog, type CatalogModel } from "./catalog.ts";
import { modalities, type Modality } from "./catalog-schema.ts";
import { capabilityDetails, modalityDetails } from "./modality-endpoints.ts";
import { summarizePrice } from "./summarize-price.ts";

const headings: Record<Modality, string> = {
  text: "Text (chat) models",
  image: "Image models",
  embedding: "Embedding models",
  stt: "Speech-to-text models",
  tts: "Text-to-speech models",
  video: "Video models",
  music: "Music and audio models",
  rerank: "Rerank models",
  moderation: "Moderation models",
};

function currentPrice(model: CatalogModel, now: number): string {
  const route = model.routes[0];
  if (!route) return "no price";
  return `${summarizePrice(priceAt(route, now).pricing)} (via ${route.provider})`;
}

function listCapabilities(model: CatalogModel): string {
  return model.entry.capabilities.length > 0 ? model.entry.capabilities.join(", ") : "none";
}

function groupByModality(catalog: Catalog): [Modality, CatalogModel[]][] {
  return modalities
    .map((modality): [Modality, CatalogModel[]] => [
      modality,
      catalog.models.filter((model) => model.modality === modality),
    ])
    .filter(([, models]) => models.length > 0);
}

function countLabs(catalog: Catalog): number {
  return new Set(catalog.models.map((model) => model.lab)).size;
}

function renderHeader(catalog: Catalog, title: string): string[] {
  return [
    `# AIgateway${title}`,
    "",
    `> One OpenAI-compatible API in front of ${catalog.models.length} models from ${countLabs(catalog)} labs. ` +
      "Use the official `openai` SDK with `base_url` set to this gateway's `/v1` and model ids of the form `lab/model`.",
    "",
    `Catalog version ${catalog.version}. Prices are the providers' public list prices in USD; each model's ` +
      "full price history, sources and dates are at `GET /v1/models/{lab}/{model}`.",
    "",
    "## Endpoints",
    "",
    ...Object.entries(modalityDetails).map(
      ([modality, details]) => `- \`POST ${details.endpoint}\`: ${details.description} (${modality})`,
    ),
    "- `GET /v1/models?modality=&provider=`: the catalog; `GET /v1/models/{lab}/{model}` adds an invocation `schema`",
    "- `GET /v1/capabilities`: modalities, capability vocabulary, endpoints and counts",
    "- `GET /openapi.json`: the OpenAPI 3.1 document",
    "",
  ];
}

/** `/llms.txt`: one line per model with its price and capabilities. */
export function renderLlmsText(catalog: Catalog, now: number = Date.now()): string {
  const lines = renderHeader(catalog, "");
  for (const [modality, models] of groupByModality(catalog)) {
    lines.push(`## ${headings[modality]}`, "");
    for (const model of models)
      lines.push(
        `- \`${model.id}\` — ${model.entry.name}: ${currentPrice(model, now)}; capabilities: ${listCapabilities(model)}`,
      );
    lines.push("");
  }
  lines.push("## Optional", "", "- [Full catalog with every provider route and price](/llms-full.txt)", "");
  return lines.join("\n");
}

/** `/llms-full.txt`: every model with every route, price, source, context and description. */
export function renderLlmsFullText(catalog: Catalog, now: number = Date.now()): string {
  const lines = renderHeader(catalog, " — full catalog");
  lines.push("## Capability vocabulary", "");
  for (const [capability, details] of Object.entries(capabilityDetails))
    lines.push(`- \`${capability}\`: ${details.description}`);
  lines.push("");
  for (const [modality, models] of groupByModality(catalog)) {
    lines.push(`## ${headings[modality]} (${modalityDetails[modality].endpoint})`, "");
    for (const model of models) {
      const entry = model.entry;
      lines.push(`### ${model.id}`, "");
      lines.push(
        `${entry.name} by ${entry.lab}, released ${entry.released}.${entry.description ? ` ${entry.description}` : ""}`,
      );
      const limits =
        entry.context_window > 0
          ? `Context ${entry.context_window} tokens, max output ${entry.max_output_tokens} tokens.`
          : "";
      if (limits) lines.push(limits);
      lines.push(`Capabilities: ${listCapabilities(model)}.`, "", "Routes (first configured one serves):");
      for (const route of model.routes) {
        const price = priceAt(route, now);
        const note = price.note ? ` Note: ${price.note}.` : "";
        lines.push(
          `- ${route.provider} \`${route.upstreamId}\`: ${summarizePrice(price.pricing)} (source ${price.source}, as of ${price.asOf}).${note}`,
        );
      }
      lines.push("");
    }
  }
  return lines.join("\n");
}
