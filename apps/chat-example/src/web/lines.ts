/** How the page shows one line of the chat. */
export type LineKind = "welcome" | "presence" | "mine" | "theirs";

// The server's lines (see server.ts): a user's words always come as "user_N: …" or "echo: …",
// so nothing a user types can pass for a welcome, a join or a leave.
const WELCOME = /^welcome (user_\d+)$/;
const PRESENCE = /^user_\d+ (joined|left)$/;

/** Classifies a line from the server; for a welcome, also the nickname it gives. */
export function classify(text: string): { kind: LineKind; nickname?: string } {
  const welcome = WELCOME.exec(text);
  if (welcome) return { kind: "welcome", nickname: welcome[1] };
  if (PRESENCE.test(text)) return { kind: "presence" };
  if (text.startsWith("echo: ")) return { kind: "mine" };
  return { kind: "theirs" };
}

/** The chat's WebSocket URL for a page served by the chat server at `location`. */
export function chatUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/chat`;
}
