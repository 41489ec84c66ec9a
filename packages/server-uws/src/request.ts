import type { HttpRequest, HttpResponse } from "uWebSockets.js";
import { lentText } from "./engine.js";

/** What core needs of a request, copied out: uWS requests are only valid synchronously. */
export interface CopiedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  remoteAddress: string;
}

export function copyRequest(res: HttpResponse, req: HttpRequest): CopiedRequest {
  const headers: Record<string, string> = {};
  req.forEach((name, value) => {
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  });
  const query = req.getQuery();
  return {
    method: req.getCaseSensitiveMethod().toUpperCase(),
    url: query ? `${req.getUrl()}?${query}` : req.getUrl(),
    headers,
    remoteAddress: lentText(res.getRemoteAddressAsText()),
  };
}
