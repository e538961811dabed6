import { test } from "node:test";
import assert from "node:assert/strict";
import { findTopLevelValues, patchModelAndCost } from "./patch-model-and-cost.ts";

const completion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "gpt-4o-mini-2024-07-18",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: 'He said "usage":{ and \\ — then "model":"x"' },
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, nested: { usage: {} } },
  x_groq: { usage: { prompt_tokens: 9 } },
};

test("finds only top-level values, whatever strings and nested objects contain", () => {
  const bytes = Buffer.from(JSON.stringify(completion, null, 2));
  const values = findTopLevelValues(bytes, ["model", "usage"]);
  const model = values.get("model");
  const usage = values.get("usage");
  assert.ok(model && usage);
  assert.equal(bytes.subarray(model.start, model.end).toString(), '"gpt-4o-mini-2024-07-18"');
  assert.deepEqual(JSON.parse(bytes.subarray(usage.start, usage.end).toString()), completion.usage);
});

test("patches the model and appends the cost, leaving every other byte as it was", () => {
  for (const raw of [JSON.stringify(completion), JSON.stringify(completion, null, 2)]) {
    const patched = patchModelAndCost(Buffer.from(raw), "openai/gpt-4o-mini", 0.00042);
    assert.ok(patched);
    assert.deepEqual(JSON.parse(patched.toString()), {
      ...completion,
      model: "openai/gpt-4o-mini",
      usage: { ...completion.usage, cost: 0.00042 },
    });
  }
});

test("handles an empty usage object and declines shapes it cannot patch", () => {
  const empty = patchModelAndCost(Buffer.from('{"model":"m","usage":{ }}'), "lab/m", 0);
  assert.deepEqual(JSON.parse(empty?.toString() ?? ""), { model: "lab/m", usage: { cost: 0 } });
  assert.equal(patchModelAndCost(Buffer.from('{"model":"m"}'), "lab/m", 0), undefined);
  assert.equal(patchModelAndCost(Buffer.from('{"model":null,"usage":{}}'), "lab/m", 0), undefined);
});

test("skips escaped quotes, and a quote after an escaped backslash ends the string", () => {
  const body = {
    id: 'a\\"b',
    note: "ends with a backslash \\",
    model: "gpt-x",
    text: '\\\\"quoted\\\\" "x"',
    usage: { prompt_tokens: 1 },
  };
  const raw = Buffer.from(JSON.stringify(body));
  const patched = patchModelAndCost(raw, "lab/model", 0.5);
  assert.deepEqual(JSON.parse(String(patched)), {
    ...body,
    model: "lab/model",
    usage: { prompt_tokens: 1, cost: 0.5 },
  });
});
