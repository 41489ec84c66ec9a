import type { HttpRequest, HttpResponse } from "uWebSockets.js";
import { lentText } from "./engine.js";

/** What core needs of a request, copied out: uWS requests are only valid synchronously. */
export interface CopiedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  remoteAddress: string;
}

/** Where `collectHeader` writes: one callback for every request instead of a closure each. */
let collecting: Record<string, string> = {};
const collectHeader = (name: string, value: string) => {
  collecting[name] = name in collecting ? `${collecting[name]}, ${value}` : value;
};

export function copyRequest(res: HttpResponse, req: HttpRequest): CopiedRequest {
  const headers: Record<string, string> = {};
  collecting = headers;
  req.forEach(collectHeader);
  const query = req.getQuery();
  return {
    method: req.getCaseSensitiveMethod().toUpperCase(),
    url: query ? `${req.getUrl()}?${query}` : req.getUrl(),
    headers,
    remoteAddress: lentText(res.getRemoteAddressAsText()),
  };
}
