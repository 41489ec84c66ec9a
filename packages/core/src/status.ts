import { STATUS_CODES } from "node:http";

/** The reason phrase for a status line, e.g. 404 → "Not Found". */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? "Unknown";
}
