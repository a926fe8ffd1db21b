/**
 * Small HTTP helpers shared by the emulator's routes: the reply shape handlers return, the
 * gRPC-gateway error body C1 uses, and body parsing with a size cap.
 */
import type { IncomingMessage } from "node:http";

/** What a route handler returns; the server writes it and logs its status. */
export interface Reply {
  status: number;
  /** Serialized as JSON unless it is a string, which is sent as-is. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** gRPC status codes used by C1's gRPC-gateway error bodies. */
export const GrpcCode = {
  OK: 0,
  DEADLINE_EXCEEDED: 4,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** The gRPC code a gateway would pair with an HTTP status (used for injected faults). */
export function grpcCodeForStatus(status: number): number {
  switch (status) {
    case 400:
      return GrpcCode.INVALID_ARGUMENT;
    case 401:
      return GrpcCode.UNAUTHENTICATED;
    case 403:
      return GrpcCode.PERMISSION_DENIED;
    case 404:
      return GrpcCode.NOT_FOUND;
    case 405:
      return GrpcCode.UNIMPLEMENTED;
    case 409:
      return GrpcCode.ALREADY_EXISTS;
    case 429:
      return GrpcCode.RESOURCE_EXHAUSTED;
    case 501:
      return GrpcCode.UNIMPLEMENTED;
    case 503:
      return GrpcCode.UNAVAILABLE;
    case 504:
      return GrpcCode.DEADLINE_EXCEEDED;
    default:
      return status >= 500 ? GrpcCode.INTERNAL : GrpcCode.OK;
  }
}

/** A JSON reply. */
export function jsonReply(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, headers };
}

/** A gRPC-gateway error reply: `{"code": <grpc code>, "message": "...", "details": []}`. */
export function grpcError(status: number, code: number, message: string): Reply {
  return { status, body: { code, message, details: [] } };
}

/** Thrown by {@link readBody} and body parsers; the server turns it into a reply. */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
    this.name = "ReplyError";
  }
}

/** Largest request body accepted; nothing the API takes comes close. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole request body, refusing bodies larger than {@link MAX_BODY_BYTES}. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) {
      throw new ReplyError(grpcError(413, GrpcCode.INVALID_ARGUMENT, "request body too large"));
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses an optional JSON object body; empty means `{}`. Anything else is a 400 (code 3). */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ReplyError(grpcError(400, GrpcCode.INVALID_ARGUMENT, "request body is not valid JSON"));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ReplyError(grpcError(400, GrpcCode.INVALID_ARGUMENT, "request body must be a JSON object"));
  }
  return value as Record<string, unknown>;
}

/**
 * Splits a raw (still percent-encoded) path into decoded segments. Splitting before decoding
 * keeps an encoded `%2F` inside its segment, as C1's gateway does for ids.
 * Returns undefined when a segment is not valid percent-encoding.
 */
export function splitPath(rawPath: string): string[] | undefined {
  try {
    return rawPath
      .split("/")
      .slice(1)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

/** What a route handler sees of a request. */
export interface RouteContext {
  method: string;
  /** Path as sent (percent-encoded), without the query string. */
  rawPath: string;
  /** Decoded path segments (see {@link splitPath}); undefined when the path is malformed. */
  segments: string[] | undefined;
  query: URLSearchParams;
  /** Host header, for the assertion audience check. */
  host: string | undefined;
  /** Authorization header. */
  authorization: string | undefined;
  contentType: string | undefined;
  remoteAddress: string | undefined;
  /** Reads the request body (once). */
  readBody: () => Promise<string>;
}
