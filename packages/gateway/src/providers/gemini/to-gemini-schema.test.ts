import { test } from "node:test";
import assert from "node:assert/strict";
import { GatewayError } from "@aigateway/protocol";
import { hasParameters, toGeminiJsonSchema, toGeminiSchema } from "./to-gemini-schema.ts";

test("keeps what Gemini's schema takes, uppercases types and leaves out what it rejects", () => {
  const converted = toGeminiSchema(
    {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      additionalProperties: false,
      properties: {
        city: { type: "string", description: "The city", minLength: 1, format: "hostname" },
        when: { type: "string", format: "date-time" },
        unit: { enum: ["c", "f"] },
        days: { type: "integer", minimum: 1, exclusiveMaximum: 10 },
        tags: { type: "array", items: { type: "string" }, uniqueItems: true },
      },
      required: ["city", "missing"],
    },
    "tools[0].function.parameters",
  );
  assert.deepEqual(converted, {
    type: "OBJECT",
    properties: {
      city: { type: "STRING", description: "The city", minLength: 1 },
      when: { type: "STRING", format: "date-time" },
      unit: { type: "STRING", enum: ["c", "f"] },
      days: { type: "INTEGER", minimum: 1 },
      tags: { type: "ARRAY", items: { type: "STRING" } },
    },
    required: ["city"],
  });
});

test("turns nullable unions, oneOf, const and local $refs into Gemini's forms", () => {
  const converted = toGeminiSchema(
    {
      type: "object",
      $defs: { Point: { type: "object", properties: { x: { type: "number" } } } },
      properties: {
        note: { type: ["string", "null"] },
        point: { $ref: "#/$defs/Point" },
        shape: { oneOf: [{ type: "string" }, { type: "number" }] },
        maybe: { anyOf: [{ type: "boolean" }, { type: "null" }] },
        kind: { const: "circle" },
        either: { type: ["string", "integer"] },
      },
    },
    "p",
  );
  assert.deepEqual(converted.properties, {
    note: { type: "STRING", nullable: true },
    point: { type: "OBJECT", properties: { x: { type: "NUMBER" } } },
    shape: { anyOf: [{ type: "STRING" }, { type: "NUMBER" }] },
    maybe: { type: "BOOLEAN", nullable: true },
    kind: { type: "STRING", enum: ["circle"] },
    either: { anyOf: [{ type: "STRING" }, { type: "INTEGER" }] },
  });
});

test("answers a recursive or unresolvable schema with a 400 naming the parameter", () => {
  const recursive = {
    type: "object",
    $defs: { Node: { type: "object", properties: { next: { $ref: "#/$defs/Node" } } } },
    properties: { root: { $ref: "#/$defs/Node" } },
  };
  assert.throws(
    () => toGeminiSchema(recursive, "tools[1].function.parameters"),
    (error: unknown) =>
      error instanceof GatewayError &&
      error.status === 400 &&
      error.param === "tools[1].function.parameters" &&
      /recursive/.test(error.message),
  );
  assert.throws(() => toGeminiSchema({ $ref: "https://example.com/schema" }, "p"), GatewayError);
});

test("JSON-schema mode only drops $schema; empty object schemas declare no parameters", () => {
  assert.deepEqual(toGeminiJsonSchema({ $schema: "x", type: "object", additionalProperties: false }), {
    type: "object",
    additionalProperties: false,
  });
  assert.equal(hasParameters({ type: "object", properties: {} }), false);
  assert.equal(hasParameters({ type: "object" }), false);
  assert.equal(hasParameters(undefined), false);
  assert.equal(hasParameters({ type: "object", properties: { a: { type: "string" } } }), true);
});
