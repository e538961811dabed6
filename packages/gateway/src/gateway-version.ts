import { readFileSync } from "node:fs";

/** The `aigateway` package version, read once from its package.json. */
export const gatewayVersion = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
