// chat-events.ts: declared once, imported by the server and by every client.
import type { EventSchemas } from "@switchboard/core";
import { z } from "zod";

export interface ChatEvents {
  clientEvents: { message: string; typing: boolean };
  serverEvents: { message: { from: string; text: string }; online: number };
  clientRequests: { clients(): string[] };
}

// Any Standard Schema validator works: zod, valibot, arktype…
export const schemas: EventSchemas<ChatEvents> = {
  clientEvents: { message: z.string().min(1).max(500), typing: z.boolean() },
  serverEvents: { online: z.number().int().min(0) },
};
