import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

// Recorded provider traffic lives beside the repository, in ../shared (see its README).
const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));
export const fixturesDirectory =
  process.env.AIG_FIXTURES_DIR ?? `${repositoryRoot}../shared/fixtures/providers/`;

/** Tests that replay recordings skip (with this reason) when the recordings are not beside the repo. */
export const fixturesMissing: string | false = existsSync(fixturesDirectory)
  ? false
  : `recorded fixtures not found at ${fixturesDirectory} (set AIG_FIXTURES_DIR)`;

export function readFixtureText(name: string): string {
  return readFileSync(`${fixturesDirectory}${name}`, "utf8");
}

export function readJsonFixture<T = unknown>(name: string): T {
  return JSON.parse(readFixtureText(name)) as T;
}

/** A `*.chunks.txt` recording: one parsed `data:` payload per line. */
export function readChunkLines(name: string): string[] {
  return readFixtureText(name)
    .split("\n")
    .filter((line) => line.trim().length > 0);
}

export interface RecordedInteraction {
  request: { method: string; uri: string; body: unknown };
  response: {
    status: number;
    headers: Record<string, string>;
    body: string;
    /** The body's bytes when the cassette stored it as `!!binary` (Bedrock's AWS event streams). */
    bytes?: Uint8Array;
  };
}

interface CassetteBody {
  string?: string | Uint8Array;
  parsed_body?: unknown;
}

interface CassetteFile {
  interactions: {
    request: { method: string; uri: string; body?: unknown; parsed_body?: unknown };
    response: {
      status: { code: number };
      headers?: Record<string, string[]>;
      body?: CassetteBody | string;
      parsed_body?: unknown;
      content?: string;
    };
  }[];
}

/** A VCR cassette's interactions with bodies as the wire text (JSON bodies re-encoded). */
export function readCassette(name: string): RecordedInteraction[] {
  const cassette = parse(readFixtureText(name)) as CassetteFile;
  return cassette.interactions.map(({ request, response }) => {
    const headers: Record<string, string> = {};
    for (const [header, values] of Object.entries(response.headers ?? {})) {
      const value = values[0];
      if (value !== undefined) headers[header.toLowerCase()] = value;
    }
    let body: string | Uint8Array;
    if (response.parsed_body !== undefined) body = JSON.stringify(response.parsed_body);
    else if (typeof response.body === "string") body = response.body;
    else if (response.body?.string !== undefined) body = response.body.string;
    else body = response.content ?? "";
    const requestBody = request.parsed_body ?? request.body;
    return {
      request: {
        method: request.method,
        uri: request.uri,
        body: typeof requestBody === "string" ? (JSON.parse(requestBody) as unknown) : requestBody,
      },
      response: {
        status: response.status.code,
        headers,
        body: body instanceof Uint8Array ? Buffer.from(body).toString("utf8") : body,
        ...(body instanceof Uint8Array ? { bytes: body } : {}),
      },
    };
  });
}
