import {
  type ClientState,
  EventClient,
  recovery,
  WebSocketClient,
} from "@switchboard/client-browser";
import { type ChatEvents, chatSchemas } from "../chat-events.js";
import { stopReason } from "../stop-reason.js";
import { chatUrl, classify } from "./lines.js";

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

const messages = element<HTMLOListElement>("messages");
const nickname = element<HTMLElement>("nickname");
const online = element<HTMLElement>("online");
const state = element<HTMLElement>("state");
const composer = element<HTMLFormElement>("composer");
const input = element<HTMLInputElement>("input");
const typingLine = element<HTMLElement>("typing");

const STATE_LABELS: Record<ClientState, string> = {
  connecting: "connecting…",
  open: "connected",
  reconnecting: "reconnecting…",
  closing: "closing…",
  closed: "offline",
};

function showState(current: ClientState, why?: string): void {
  state.dataset["state"] = current;
  state.textContent = why ?? STATE_LABELS[current];
}

/** What the state says after a reconnection: whether lines said meanwhile were missed. */
function reconnectedLabel(recovered: boolean): string {
  return recovered ? "reconnected, nothing missed" : "reconnected as a new user";
}

function show(text: string): void {
  const { kind, nickname: given } = classify(text);
  const item = document.createElement("li");
  item.className = kind === "mine" ? "mine" : kind === "theirs" ? "theirs" : "notice";
  item.textContent = text;
  messages.append(item);
  item.scrollIntoView({ block: "end" });
  if (given) nickname.textContent = given;
}

/** Whether a connection was open before: the next open is a reconnection. */
let everOpen = false;

const client: WebSocketClient = new WebSocketClient({
  // A server restart or a network blip: try again, backing off up to 5 s.
  reconnect: { initialDelay: 500, maxDelay: 5000 },
  // Back within the server's window, the page is the same user and gets every line it missed;
  // otherwise (a restarted server, a long outage) it is a new user, renamed by the welcome.
  recover: recovery,
  maxUnreadMessages: 0,
  // A chat server without typed events still speaks the tutorial's raw lines.
  onMessage: (text) => {
    if (!chat.negotiated) show(text);
  },
  onOpen: () => {
    showState(client.state, everOpen ? reconnectedLabel(client.recovered) : undefined);
    everOpen = true;
  },
  // Called before the client schedules its retry (or stops), while its state still says "open".
  onClose: (_code, _reason, reconnecting) => showState(reconnecting ? "reconnecting" : "closed"),
  onError: (error) => {
    // Once stopped, the state shows why (onStop), not a bare "offline".
    if (client.state !== "closed") showState(client.state);
    console.warn(error);
  },
  // Closed for a reason retrying cannot fix (a limit, a ban) or refused: say why, stop trying.
  onStop: (error) => showState("closed", stopReason(error)),
});

// Typed events render as the tutorial's lines, so the page reads the same either way.
const chat = new EventClient<ChatEvents>(client, { schemas: chatSchemas });
let me = "";
chat.on("welcome", (user) => {
  me = user;
  show(`welcome ${user}`);
});
chat.on("message", ({ from, text }) => show(from === me ? `echo: ${text}` : `${from}: ${text}`));
chat.on("joined", (user) => show(`${user} joined`));
chat.on("left", (user) => show(`${user} left`));
chat.on("online", (count) => {
  online.textContent = String(count);
});
const typists = new Set<string>();
chat.on("typing", ({ user, typing }) => {
  if (typing) typists.add(user);
  else typists.delete(user);
  typingLine.textContent = typists.size ? `${[...typists].join(", ")} typing…` : "";
});
chat.on("left", (user) => {
  typists.delete(user);
  typingLine.textContent = typists.size ? `${[...typists].join(", ")} typing…` : "";
});

/** `/clients` asks the server over the socket who is connected, and says it as a notice. */
async function listClients(): Promise<void> {
  try {
    const names = await chat.request("clients", undefined, { timeoutMs: 5000 });
    show(`connected: ${names.join(", ")}`);
  } catch (error) {
    show(`/clients failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// Typing starts with the first key and stops on send, on an empty input, or after 3 s of quiet.
let typing = false;
let quiet: ReturnType<typeof setTimeout> | undefined;
function setTyping(now: boolean): void {
  clearTimeout(quiet);
  if (now) quiet = setTimeout(() => setTyping(false), 3000);
  if (now === typing || !client.isConnected || !chat.negotiated) return;
  typing = now;
  chat.emit("typing", now);
}
input.addEventListener("input", () => setTyping(input.value !== ""));

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value;
  if (text === "") return;
  try {
    if (chat.negotiated === false) client.send(text);
    else if (text === "/clients") void listClients();
    else chat.emit("message", text);
    input.value = "";
    setTyping(false);
  } catch (error) {
    console.warn("not sent:", error);
  }
});

// Leaving the page ends the session: the browser would close with 1001, which recovery takes
// for a client that may come back, so the others would hear "left" only when the window ends.
window.addEventListener("pagehide", () => void client.close());

/** Connects the page; a failure that ends the client also reaches onStop, which shows why. */
function join(): void {
  showState("connecting");
  client.connect(chatUrl(location)).catch((error: unknown) => console.error(error));
}

// A page the browser kept in its back-forward cache comes back as a new user.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) join();
});

input.focus();
join();
