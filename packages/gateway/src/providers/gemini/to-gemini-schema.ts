import { GatewayError } from "@aigateway/protocol";

type JsonSchema = Record<string, unknown>;

// The OpenAPI 3.0 subset Gemini's `Schema` message accepts (`parameters`, `responseSchema`). Any other
// keyword makes the request fail with "Unknown name … Cannot find field", so it is left out.
const keptKeywords = new Set([
  "description",
  "title",
  "nullable",
  "enum",
  "maxItems",
  "minItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "example",
  "default",
  "minimum",
  "maximum",
  "propertyOrdering",
]);

// Gemini rejects formats outside these per type.
const formatsByType: Record<string, readonly string[]> = {
  STRING: ["date-time"],
  INTEGER: ["int32", "int64"],
  NUMBER: ["float", "double"],
};

const geminiTypes = new Set(["string", "number", "integer", "boolean", "array", "object", "null"]);
const maximumDepth = 32;

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function invalidSchema(param: string, message: string): GatewayError {
  return new GatewayError("invalid_request", { param, message });
}

function resolveReference(root: JsonSchema, reference: string, param: string): JsonSchema {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(reference);
  const definitions = match ? root[match[1] ?? ""] : undefined;
  const target = match && isObject(definitions) ? definitions[decodeURIComponent(match[2] ?? "")] : undefined;
  if (!isObject(target)) {
    throw invalidSchema(
      param,
      `Schema reference "${reference}" cannot be resolved (only local #/$defs/… are).`,
    );
  }
  return target;
}

function convertNode(node: unknown, root: JsonSchema, param: string, seen: readonly string[]): JsonSchema {
  if (!isObject(node)) return {};
  if (seen.length > maximumDepth) throw invalidSchema(param, "Schema is nested too deeply for Gemini.");
  if (typeof node.$ref === "string") {
    if (seen.includes(node.$ref)) {
      throw invalidSchema(
        param,
        `Schema "${node.$ref}" is recursive, which Gemini's schema format cannot express.`,
      );
    }
    const { $ref: _reference, ...siblings } = node;
    return convertNode({ ...resolveReference(root, node.$ref, param), ...siblings }, root, param, [
      ...seen,
      node.$ref,
    ]);
  }
  const schema: JsonSchema = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keptKeywords.has(keyword)) schema[keyword] = value;
  }
  // Gemini enums are strings only.
  if (Array.isArray(schema.enum) && !schema.enum.every((value) => typeof value === "string"))
    delete schema.enum;
  if (typeof node.const === "string") schema.enum = [node.const];

  let types = (Array.isArray(node.type) ? node.type : [node.type]).filter(
    (type): type is string => typeof type === "string" && geminiTypes.has(type),
  );
  if (types.includes("null")) {
    schema.nullable = true;
    types = types.filter((type) => type !== "null");
  }
  const alternatives: unknown[] = [
    ...(Array.isArray(node.anyOf) ? (node.anyOf as unknown[]) : []),
    ...(Array.isArray(node.oneOf) ? (node.oneOf as unknown[]) : []),
  ];
  if (types.length > 1) {
    // ["string", "number"] has no single Gemini type: an anyOf of one branch per type.
    schema.anyOf = types.map((type) =>
      convertNode({ ...node, type, anyOf: undefined, oneOf: undefined }, root, param, seen),
    );
    return schema;
  }
  if (alternatives.length > 0) {
    const branches = alternatives.filter((branch) => !(isObject(branch) && branch.type === "null"));
    if (branches.length < alternatives.length) schema.nullable = true;
    if (branches.length === 1) return { ...convertNode(branches[0], root, param, seen), ...schema };
    schema.anyOf = branches.map((branch) => convertNode(branch, root, param, seen));
  }
  if (Array.isArray(node.allOf)) {
    // Merged shallowly: Gemini has no allOf.
    let merged: JsonSchema = {};
    for (const part of node.allOf) {
      const converted = convertNode(part, root, param, seen);
      merged = {
        ...merged,
        ...converted,
        properties: { ...(merged.properties as JsonSchema), ...(converted.properties as JsonSchema) },
        required: [...((merged.required as string[]) ?? []), ...((converted.required as string[]) ?? [])],
      };
    }
    if (Object.keys(merged.properties as JsonSchema).length === 0) delete merged.properties;
    if ((merged.required as string[]).length === 0) delete merged.required;
    Object.assign(schema, merged);
  }

  const type =
    types[0] ?? (isObject(node.properties) ? "object" : Array.isArray(schema.enum) ? "string" : undefined);
  if (type !== undefined) schema.type = type.toUpperCase();
  if (type === "object" && isObject(node.properties)) {
    const properties: JsonSchema = {};
    for (const [name, property] of Object.entries(node.properties)) {
      properties[name] = convertNode(property, root, param, seen);
    }
    schema.properties = properties;
    if (Array.isArray(node.required)) {
      schema.required = node.required.filter((name) => typeof name === "string" && name in properties);
    }
  }
  if (type === "array" && isObject(node.items)) schema.items = convertNode(node.items, root, param, seen);
  const allowedFormats = formatsByType[schema.type as string] ?? [];
  if (typeof node.format === "string" && allowedFormats.includes(node.format)) schema.format = node.format;
  return schema;
}

/**
 * A JSON Schema (as OpenAI tools and response_format carry it) in the OpenAPI 3.0 subset that Gemini's
 * `parameters` and `responseSchema` accept, which every Gemini model takes. Local `$ref`s are inlined,
 * `type: [T, "null"]` becomes `nullable`, `oneOf` becomes `anyOf`, `allOf` is merged, a string `const`
 * becomes a one-value enum, and keywords Gemini cannot express (`additionalProperties`, `$schema`,
 * `patternProperties`, `exclusiveMinimum`, `uniqueItems`, non-string enums, unsupported `format`s…) are
 * left out: the model is no longer constrained by them. Recursive schemas are a 400.
 */
export function toGeminiSchema(schema: JsonSchema, param: string): JsonSchema {
  return convertNode(schema, schema, param, []);
}

/** For the `*JsonSchema` fields, which take JSON Schema itself: only the meta keyword is removed. */
export function toGeminiJsonSchema(schema: JsonSchema): JsonSchema {
  const { $schema: _meta, ...rest } = schema;
  return rest;
}

/** A function without parameters is declared without a `parameters` field (an empty OBJECT is rejected). */
export function hasParameters(schema: JsonSchema | undefined): schema is JsonSchema {
  if (!schema) return false;
  if (schema.type !== undefined && schema.type !== "object") return true;
  if (["$ref", "anyOf", "oneOf", "allOf"].some((keyword) => schema[keyword] !== undefined)) return true;
  return isObject(schema.properties) && Object.keys(schema.properties).length > 0;
}
