import { type ClientState, EventClient, WebSocketClient } from "@switchboard/client-browser";
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

function show(text: string): void {
  const { kind, nickname: given } = classify(text);
  const item = document.createElement("li");
  item.className = kind === "mine" ? "mine" : kind === "theirs" ? "theirs" : "notice";
  item.textContent = text;
  messages.append(item);
  item.scrollIntoView({ block: "end" });
  if (given) nickname.textContent = given;
}

const client: WebSocketClient = new WebSocketClient({
  // A server restart or a network blip: try again, backing off up to 5 s; each reconnection is a
  // new user, so the welcome that follows renames this page.
  reconnect: { initialDelay: 500, maxDelay: 5000 },
  maxUnreadMessages: 0,
  // A chat server without typed events still speaks the tutorial's raw lines.
  onMessage: (text) => {
    if (!chat.negotiated) show(text);
  },
  onOpen: () => showState(client.state),
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

showState("connecting");
input.focus();
// A failure that ends the client also reaches onStop, which shows why.
client.connect(chatUrl(location)).catch((error: unknown) => console.error(error));
