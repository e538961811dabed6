import { test } from "node:test";
import assert from "node:assert/strict";
import { GatewayError } from "@aigateway/protocol";
import { fromCohereEmbedResponse, toCohereEmbedBody } from "./cohere-embeddings.ts";

test("asks Cohere for float embeddings of documents unless the client names an input_type", () => {
  const { body, droppedParameters } = toCohereEmbedBody(
    { model: "cohere/embed", input: "hello", dimensions: 256, user: "u-1" },
    "embed-v4.0",
  );
  assert.deepEqual(body, {
    model: "embed-v4.0",
    texts: ["hello"],
    input_type: "search_document",
    embedding_types: ["float"],
    output_dimension: 256,
  });
  assert.deepEqual(droppedParameters, ["user"]);
  const query = toCohereEmbedBody({ model: "m", input: ["a", "b"], input_type: "search_query" }, "e").body;
  assert.equal(query.input_type, "search_query");
  assert.deepEqual(query.texts, ["a", "b"]);
});

test("rejects token-id input with a 400", () => {
  assert.throws(
    () => toCohereEmbedBody({ model: "m", input: [1, 2, 3] }, "e"),
    (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === "input",
  );
});

test("answers in OpenAI's shape, base64-encoding when asked", () => {
  const upstream = {
    embeddings: {
      float: [
        [0.5, -1],
        [0.25, 2],
      ],
    },
    meta: { billed_units: { input_tokens: 10 } },
  };
  const floats = fromCohereEmbedResponse(upstream, "cohere/embed", "float");
  assert.deepEqual(floats.response.data[1], { object: "embedding", index: 1, embedding: [0.25, 2] });
  assert.deepEqual(floats.response.usage, { prompt_tokens: 10, total_tokens: 10 });
  assert.equal(floats.usage.promptTokens, 10);
  const encoded = fromCohereEmbedResponse(upstream, "cohere/embed", "base64").response.data[0]?.embedding;
  assert.equal(typeof encoded, "string");
  const decoded = new Float32Array(Uint8Array.from(Buffer.from(encoded as string, "base64")).buffer);
  assert.deepEqual([...decoded], [0.5, -1]);
});
