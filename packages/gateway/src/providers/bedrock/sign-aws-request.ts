import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsRequestToSign {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
}

export interface AwsSigningOptions {
  credentials: AwsCredentials;
  region: string;
  service: string;
  /** Fixed only by tests (known-answer vectors); real requests are signed "now". */
  signingDate?: Date;
  /** Adds and signs `x-amz-content-sha256`, as the AWS SDKs do; the published test vectors omit it. */
  signBodyHash?: boolean;
}

/**
 * AWS Signature Version 4 over method, host, path, headers and body. Returns the headers to send:
 * the given ones plus `host`, `x-amz-date`, `authorization`, `x-amz-content-sha256` and, with
 * temporary credentials, `x-amz-security-token`. The path is signed as given (already URL-encoded)
 * and escaped once more, as SigV4 prescribes for every service but S3.
 */
export async function signAwsRequest(
  request: AwsRequestToSign,
  options: AwsSigningOptions,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: options.service,
    sha256: Sha256,
    applyChecksum: options.signBodyHash ?? true,
  });
  const query: Record<string, string> = {};
  request.url.searchParams.forEach((value, key) => {
    query[key] = value;
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      ...(request.url.port ? { port: Number(request.url.port) } : {}),
      path: request.url.pathname,
      query,
      headers: { ...request.headers, host: request.url.host },
      body: request.body,
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return signed.headers;
}
