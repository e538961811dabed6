import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { GatewayError } from "@aigateway/protocol";
import { findBlockedAddressRange } from "./find-blocked-address-range.ts";

/** Every address a host name resolves to (the shape of `dns.lookup(host, {all: true})`). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const resolveWithSystemDns: ResolveHost = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

export interface WebhookUrlGuardOptions {
  /** Operator opt-out (AIG_WEBHOOK_ALLOW_PRIVATE): private and loopback targets are allowed. */
  allowPrivate: boolean;
  resolveHost?: ResolveHost;
}

/** Refuses a target address; the message is what the delivery log shows. */
export class WebhookTargetRefusedError extends Error {
  override name = "WebhookTargetRefusedError";
  readonly code = "AIG_WEBHOOK_TARGET_REFUSED";
}

export interface WebhookUrlGuard {
  /**
   * Checks a URL a user gives (endpoint registration, a request's `webhook_url`): http(s), no
   * credentials, and — unless private targets are allowed — every address it resolves to public.
   * Throws a 400 naming `param`; returns the URL normalised.
   */
  checkUrl(url: string, param: string): Promise<string>;
  /** Why the URL's host, when it is an IP literal, may not be called; undefined when it may. */
  refuseLiteralHost(url: URL): string | undefined;
  /**
   * A `net` lookup for the delivery agent: it resolves, then refuses if any address is blocked. The
   * connection goes to the address checked here, so a DNS answer that changed since registration
   * (rebinding) cannot smuggle in a private address.
   */
  lookup: LookupFunction;
}

const maxUrlLength = 2048;

/** The host without IPv6 brackets. */
export function readHostname(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

function invalid(param: string, message: string): GatewayError {
  return new GatewayError("invalid_request", { param, message });
}

function describeBlocked(hostname: string, addresses: readonly LookupAddress[]): string | undefined {
  for (const { address } of addresses) {
    const range = findBlockedAddressRange(address);
    if (range) {
      return address === hostname
        ? `${address} is a ${range} address`
        : `${hostname} resolves to ${address}, a ${range} address`;
    }
  }
  return undefined;
}

export function createWebhookUrlGuard(options: WebhookUrlGuardOptions): WebhookUrlGuard {
  const resolveHost = options.resolveHost ?? resolveWithSystemDns;

  function refuseLiteralHost(url: URL): string | undefined {
    if (options.allowPrivate) return undefined;
    const hostname = readHostname(url);
    if (isIP(hostname) === 0) return undefined;
    return describeBlocked(hostname, [{ address: hostname, family: isIP(hostname) }]);
  }

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolveHost(hostname).then(
      (addresses) => {
        const wanted = lookupOptions.family
          ? addresses.filter((address) => address.family === lookupOptions.family)
          : addresses;
        const refusal = options.allowPrivate ? undefined : describeBlocked(hostname, addresses);
        const first = wanted[0];
        if (refusal) {
          callback(new WebhookTargetRefusedError(`refused: ${refusal}`), "", 0);
        } else if (!first) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} has no address of the wanted family`);
          error.code = "ENOTFOUND";
          callback(error, "", 0);
        } else if (lookupOptions.all) {
          callback(null, wanted);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };

  return {
    async checkUrl(raw, param) {
      if (raw.length > maxUrlLength)
        throw invalid(param, `The URL is longer than ${maxUrlLength} characters.`);
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw invalid(param, `'${raw}' is not an absolute URL.`);
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw invalid(param, "A webhook URL must use https (or http).");
      }
      if (url.username || url.password) {
        throw invalid(param, "A webhook URL must not carry credentials; verify the signature instead.");
      }
      if (options.allowPrivate) return url.toString();
      const literal = refuseLiteralHost(url);
      if (literal) throw invalid(param, `Webhook URLs must be publicly reachable: ${literal}.`);
      const hostname = readHostname(url);
      if (isIP(hostname) !== 0) return url.toString();
      let addresses: LookupAddress[];
      try {
        addresses = await resolveHost(hostname);
      } catch {
        throw invalid(param, `The webhook host ${hostname} does not resolve.`);
      }
      const refusal = describeBlocked(hostname, addresses);
      if (refusal) throw invalid(param, `Webhook URLs must be publicly reachable: ${refusal}.`);
      if (addresses.length === 0) throw invalid(param, `The webhook host ${hostname} does not resolve.`);
      return url.toString();
    },
    refuseLiteralHost,
    lookup,
  };
}
