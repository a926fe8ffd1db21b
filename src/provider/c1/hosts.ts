import { isIPv4, isIPv6 } from "node:net";

/** A host as it appears in a URL's authority: a lower-cased name or IP (IPv6 in brackets) and an optional port. */
export interface HostAndPort {
  /** `acme.conductor.one`, `127.0.0.1` or `[::1]`. */
  hostname: string;
  port?: number;
}

const HOST_AND_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function isValidHostname(hostname: string): boolean {
  if (hostname.startsWith("[")) return hostname.endsWith("]") && isIPv6(hostname.slice(1, -1));
  if (isIPv4(hostname)) return true;
  // A dotted quad that is not a valid IPv4 address (999.1.1.1) would be read as one by some parsers.
  if (/^[0-9.]+$/.test(hostname)) return false;
  return hostname.length <= 253 && hostname.split(".").every((label) => LABEL.test(label));
}

/**
 * Parses `name`, `name:port`, `1.2.3.4:port` or `[::1]:port`, strictly: letters, digits, dots and
 * hyphens in DNS labels, or an IP address, and a port of 1-65535. Anything else (userinfo, a path,
 * a query, spaces, a trailing dot) gives undefined: such text can make a URL point elsewhere.
 */
export function parseHostAndPort(text: string): HostAndPort | undefined {
  const match = HOST_AND_PORT.exec(text);
  if (!match) return undefined;
  const hostname = match[1].toLowerCase();
  if (!isValidHostname(hostname)) return undefined;
  if (match[2] === undefined) return { hostname };
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { hostname, port } : undefined;
}

/** `name` or `name:port` as `URL.host` writes it: the scheme's default port left out. */
export function formatHost({ hostname, port }: HostAndPort, defaultPort: number): string {
  return port === undefined || port === defaultPort ? hostname : `${hostname}:${port}`;
}

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts that may be reached over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || (isIPv4(hostname) && hostname.startsWith("127."));
}

/** True for a ConductorOne tenant host: at least one label under `conductor.one`. */
export function isConductorOneHost(hostname: string): boolean {
  return hostname.endsWith(".conductor.one") && hostname.length > ".conductor.one".length;
}
