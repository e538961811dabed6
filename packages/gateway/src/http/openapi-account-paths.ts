// The accounts and money part of the OpenAPI document (see openapi-document.ts): admin API,
// sub-accounts, budgets, balance and usage reports. Request bodies come from the validation schemas.
import {
  budgetSchema,
  createAccountSchema,
  createSubAccountSchema,
  mintAccountKeySchema,
  updateAccountSchema,
  updateSubAccountSchema,
} from "./validation/account-schemas.ts";
import {
  error,
  idParameter,
  json,
  list,
  reference,
  toJsonSchema,
  unauthorized,
} from "./openapi-building-blocks.ts";

const monthParameter = {
  name: "month",
  in: "query",
  required: false,
  schema: { type: "string", pattern: "^\\d{4}-(0[1-9]|1[0-2])$" },
  description: "YYYY-MM (UTC); the current month when absent",
};
const forbidden = error("Not allowed for this key (admin key, or a top-level account's owner key, needed)");
const notFound = error("No such resource in this account");
const invalid = error("Invalid body; `param` names the field");
const usageRow = {
  requests: { type: "integer" },
  errors: { type: "integer" },
  cost_cents: { type: "number" },
  prompt_tokens: { type: "integer" },
  completion_tokens: { type: "integer" },
};

export const accountSchemas = {
  CreateAccountRequest: toJsonSchema(createAccountSchema),
  UpdateAccountRequest: toJsonSchema(updateAccountSchema),
  MintAccountKeyRequest: toJsonSchema(mintAccountKeySchema),
  CreateSubAccountRequest: toJsonSchema(createSubAccountSchema),
  UpdateSubAccountRequest: toJsonSchema(updateSubAccountSchema),
  BudgetRequest: toJsonSchema(budgetSchema),
  Account: {
    type: "object",
    properties: {
      id: { type: "string", examples: ["acct_…"] },
      object: { const: "account" },
      name: { type: "string" },
      tier: { enum: ["free", "starter", "pro", "business", "agent", "enterprise"] },
      spend_cap_cents: { type: ["number", "null"] },
      credit_cents: { type: ["number", "null"] },
      rate_limit_rpm: { type: ["integer", "null"] },
      allowed_models: { type: ["array", "null"], items: { type: "string" } },
      external_ref: { type: ["string", "null"] },
      created_at: { type: "integer" },
      updated_at: { type: "integer" },
    },
  },
  SubAccount: {
    type: "object",
    properties: {
      id: { type: "string", examples: ["sa_…"] },
      object: { const: "sub_account" },
      name: { type: "string" },
      external_ref: { type: ["string", "null"] },
      spend_cap_cents: { type: ["number", "null"] },
      rate_limit_rpm: { type: ["integer", "null"] },
      default_tag: { type: ["string", "null"] },
      allowed_models: { type: ["array", "null"], items: { type: "string" } },
      created_at: { type: "integer" },
      key: { type: "string", description: "The scoped sk-aig- key; only in the create response" },
    },
  },
  Budget: {
    type: "object",
    properties: {
      object: { const: "budget" },
      tag: { type: "string" },
      monthly_cap_cents: { type: "number" },
      month_to_date_spend_cents: { type: "number" },
      created_at: { type: "integer" },
      updated_at: { type: "integer" },
    },
  },
  Balance: {
    type: "object",
    properties: {
      object: { const: "balance" },
      account_id: { type: "string" },
      sub_account_id: { type: ["string", "null"] },
      tier: { type: "string" },
      currency: { const: "usd" },
      month: { type: "string" },
      balance_cents: { type: ["number", "null"], description: "Null for an account billed after use" },
      credit_cents: { type: ["number", "null"] },
      month_to_date_spend_cents: { type: "number" },
      spend_cap_cents: { type: ["number", "null"] },
      parent_spend_cap_cents: { type: ["number", "null"] },
      rate_limit_rpm: { type: ["integer", "null"] },
    },
  },
  UsageByTag: {
    type: "object",
    properties: { tag: { type: ["string", "null"] }, ...usageRow },
  },
  UsageBySubAccount: {
    type: "object",
    properties: { sub_account_id: { type: "string" }, ...usageRow },
  },
};

const monthList = (item: string) =>
  json({
    type: "object",
    properties: {
      object: { const: "list" },
      month: { type: "string" },
      data: { type: "array", items: reference(item) },
    },
  });

export const accountPaths = {
  "/v1/admin/accounts": {
    post: {
      summary: "Create a tenant account (admin key); returns it with an owner key, shown once",
      requestBody: { required: true, content: json(reference("CreateAccountRequest")) },
      responses: {
        "201": { description: "The account and `key`", content: json(reference("Account")) },
        "400": invalid,
        "401": unauthorized,
        "403": forbidden,
      },
    },
    get: {
      summary: "List tenant accounts (admin key)",
      responses: {
        "200": { description: "Accounts", content: list("Account") },
        "401": unauthorized,
        "403": forbidden,
      },
    },
  },
  "/v1/admin/accounts/{id}": {
    get: {
      summary: "One account with month-to-date spend, lifetime spend and balance (admin key)",
      parameters: [idParameter],
      responses: {
        "200": { description: "The account", content: json(reference("Account")) },
        "401": unauthorized,
        "403": forbidden,
        "404": notFound,
      },
    },
    patch: {
      summary: "Change tier, cap, RPM or allowed models; `add_credit_cents` tops up credit (admin key)",
      parameters: [idParameter],
      requestBody: { required: true, content: json(reference("UpdateAccountRequest")) },
      responses: {
        "200": { description: "The account", content: json(reference("Account")) },
        "400": invalid,
        "401": unauthorized,
        "403": forbidden,
        "404": notFound,
      },
    },
  },
  "/v1/admin/accounts/{id}/keys": {
    post: {
      summary: "Mint an owner key for an account (admin key); the key is shown once",
      parameters: [idParameter],
      requestBody: { required: false, content: json(reference("MintAccountKeyRequest")) },
      responses: {
        "201": { description: "The key" },
        "401": unauthorized,
        "403": forbidden,
        "404": notFound,
      },
    },
  },
  "/v1/sub-accounts": {
    post: {
      summary: "Create a sub-account with its scoped key (shown once as `key`)",
      requestBody: { required: true, content: json(reference("CreateSubAccountRequest")) },
      responses: {
        "201": { description: "The sub-account", content: json(reference("SubAccount")) },
        "400": invalid,
        "401": unauthorized,
        "403": forbidden,
      },
    },
    get: {
      summary: "List sub-accounts",
      responses: {
        "200": { description: "Sub-accounts", content: list("SubAccount") },
        "401": unauthorized,
        "403": forbidden,
      },
    },
  },
  "/v1/sub-accounts/{id}": {
    get: {
      summary: "One sub-account",
      parameters: [idParameter],
      responses: {
        "200": { description: "The sub-account", content: json(reference("SubAccount")) },
        "401": unauthorized,
        "403": forbidden,
        "404": notFound,
      },
    },
    patch: {
      summary: "Change cap, RPM, default tag, allowed models, name or external ref",
      parameters: [idParameter],
      requestBody: { required: true, content: json(reference("UpdateSubAccountRequest")) },
      responses: {
        "200": { description: "The sub-account", content: json(reference("SubAccount")) },
        "400": invalid,
        "401": unauthorized,
        "403": forbidden,
        "404": notFound,
      },
    },
    delete: {
      summary: "Delete a sub-account and revoke its keys",
      parameters: [idParameter],
      responses: {
        "200": { description: '`{status: "ok"}`' },
        "401": unauthorized,
        "403": forbidden,
        "404": notFound,
      },
    },
  },
  "/v1/sub-accounts/{id}/usage": {
    get: {
      summary: "Usage of a sub-account: summary, by model, by day",
      parameters: [
        idParameter,
        {
          name: "window",
          in: "query",
          required: false,
          schema: { type: "string", pattern: "^[1-9]\\d{0,2}d$" },
        },
      ],
      responses: {
        "200": { description: "`{summary, by_model, by_day}`" },
        "400": invalid,
        "401": unauthorized,
        "403": forbidden,
        "404": notFound,
      },
    },
  },
  "/v1/budgets": {
    post: {
      summary: "Set a hard monthly cap for a cost tag (upsert)",
      requestBody: { required: true, content: json(reference("BudgetRequest")) },
      responses: {
        "201": { description: "The budget", content: json(reference("Budget")) },
        "400": invalid,
        "401": unauthorized,
        "403": forbidden,
      },
    },
    get: {
      summary: "List budgets with month-to-date spend",
      responses: {
        "200": { description: "Budgets", content: list("Budget") },
        "401": unauthorized,
        "403": forbidden,
      },
    },
  },
  "/v1/budgets/{tag}": {
    delete: {
      summary: "Remove a tag's budget",
      parameters: [{ name: "tag", in: "path", required: true, schema: { type: "string" } }],
      responses: {
        "200": { description: "Deleted" },
        "401": unauthorized,
        "403": forbidden,
        "404": notFound,
      },
    },
  },
  "/v1/balance": {
    get: {
      summary: "Credit balance, month-to-date spend, caps and RPM of the calling key's account",
      responses: {
        "200": { description: "The balance", content: json(reference("Balance")) },
        "401": unauthorized,
      },
    },
  },
  "/v1/usage/by-tag": {
    get: {
      summary: "Monthly spend per `x-aig-tag` (a sub-account key sees its own)",
      parameters: [monthParameter],
      responses: {
        "200": { description: "Rows per tag", content: monthList("UsageByTag") },
        "400": invalid,
        "401": unauthorized,
      },
    },
  },
  "/v1/usage/stream": {
    get: {
      summary:
        "Live usage: server-sent events, one `data:` usage row per request as it is stored, from any replica",
      responses: {
        "200": {
          description: "An event stream of usage rows (as in /v1/usage/recent)",
          content: { "text/event-stream": {} },
        },
        "401": unauthorized,
      },
    },
  },
  "/v1/usage/by-sub-account": {
    get: {
      summary: "Monthly spend per sub-account",
      parameters: [monthParameter],
      responses: {
        "200": { description: "Rows per sub-account", content: monthList("UsageBySubAccount") },
        "400": invalid,
        "401": unauthorized,
        "403": forbidden,
      },
    },
  },
};
