import { type ClientState, WebSocketClient } from "@switchboard/client-browser";
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

// The chat protocol has no head count; GET /clients has it. Asked after every welcome, join and
// leave; a slower, older answer must not overwrite a newer one.
let countRequest = 0;
async function refreshOnline(): Promise<void> {
  const request = ++countRequest;
  try {
    const response = await fetch("/clients", { cache: "no-store" });
    const count = await response.text();
    if (request === countRequest && response.ok) online.textContent = count;
  } catch {
    // Offline: the count refreshes with the next welcome.
  }
}

function show(text: string): void {
  const { kind, nickname: given } = classify(text);
  const item = document.createElement("li");
  item.className = kind === "mine" ? "mine" : kind === "theirs" ? "theirs" : "notice";
  item.textContent = text;
  messages.append(item);
  item.scrollIntoView({ block: "end" });
  if (given) nickname.textContent = given;
  if (kind === "welcome" || kind === "presence") void refreshOnline();
}

const client: WebSocketClient = new WebSocketClient({
  // A server restart or a network blip: try again, backing off up to 5 s; each reconnection is a
  // new user, so the welcome that follows renames this page.
  reconnect: { initialDelay: 500, maxDelay: 5000 },
  maxUnreadMessages: 0,
  onOpen: () => showState(client.state),
  // Called before the client schedules its retry (or stops), while its state still says "open".
  onClose: (_code, _reason, reconnecting) => showState(reconnecting ? "reconnecting" : "closed"),
  onMessage: show,
  onError: (error) => {
    // Once stopped, the state shows why (onStop), not a bare "offline".
    if (client.state !== "closed") showState(client.state);
    console.warn(error);
  },
  // Closed for a reason retrying cannot fix (a limit, a ban) or refused: say why, stop trying.
  onStop: (error) => showState("closed", stopReason(error)),
});

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value;
  if (text === "") return;
  try {
    client.send(text);
    input.value = "";
  } catch (error) {
    console.warn("not sent:", error);
  }
});

showState("connecting");
input.focus();
// A failure that ends the client also reaches onStop, which shows why.
client.connect(chatUrl(location)).catch((error: unknown) => console.error(error));
