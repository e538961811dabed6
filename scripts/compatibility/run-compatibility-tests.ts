// Runs the matrix's test files with node:test's run() and keeps each test's outcome by file and name:
// the same runner and isolation as `npm test`, read as events instead of a reporter's text.
import { basename } from "node:path";
import { run } from "node:test";

export type TestOutcome = "pass" | "fail" | "skip";

export interface TestResult {
  /** The test file's name, as in CompatibilityClaim.file. */
  file: string;
  name: string;
  outcome: TestOutcome;
  /** The failure's message, for the console. */
  error?: string;
}

interface ReportedTest {
  name: string;
  file?: string;
  skip?: boolean | string;
  todo?: boolean | string;
  details: { type?: string; error?: unknown };
}

function describeError(error: unknown): string {
  // node:test wraps the assertion in a "test failed" error whose cause is the real one.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message.split("\n").slice(0, 6).join("\n") : String(cause);
}

export async function runCompatibilityTests(files: string[]): Promise<TestResult[]> {
  const results: TestResult[] = [];
  const record = (test: ReportedTest, failed: boolean): void => {
    if (test.details.type === "suite" || !test.file) return;
    const skipped = Boolean(test.skip) || Boolean(test.todo);
    const outcome: TestOutcome = failed ? "fail" : skipped ? "skip" : "pass";
    results.push({
      file: basename(test.file),
      name: test.name,
      outcome,
      ...(failed ? { error: describeError(test.details.error) } : {}),
    });
  };
  // The stream's element type is not exported by @types/node; these are the fields read here.
  const events = run({ files, concurrency: 2 }) as AsyncIterable<{ type: string; data: unknown }>;
  for await (const event of events) {
    if (event.type === "test:pass") record(event.data as ReportedTest, false);
    else if (event.type === "test:fail") record(event.data as ReportedTest, true);
    else if (event.type === "test:stderr" || event.type === "test:stdout") {
      // Skip reasons and the like are printed by the tests themselves; keep them visible.
      const message = (event.data as { message?: string }).message;
      if (message) process.stderr.write(message);
    }
  }
  return results;
}
