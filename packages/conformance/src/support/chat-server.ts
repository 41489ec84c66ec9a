import { type Channel, WebServer } from "@switchboard/core";

/** The dasHV HV-06 tutorial's ChatServer, written with the SDK. */
export class ChatServer extends WebServer {
  /** Each connected channel's nickname. */
  readonly clients = new Map<Channel, string>();
  /** The number of the last nickname given out. */
  nextId = 0;
  /** The URL of every connection opened, in order. */
  readonly opened: string[] = [];

  override onInit() {
    this.get("/ping", (_req, res) => res.text("pong"));
    this.get("/clients", (_req, res) => res.text(String(this.clients.size)));
  }

  override onWsOpen(channel: Channel, url: string) {
    const nickname = `user_${++this.nextId}`;
    this.opened.push(url);
    this.clients.set(channel, nickname);
    this.send(channel, `welcome ${nickname}`);
    this.broadcast(`${nickname} joined`, { exclude: channel });
  }

  override onWsClose(channel: Channel) {
    const nickname = this.clients.get(channel) ?? "unknown";
    this.clients.delete(channel);
    this.broadcast(`${nickname} left`);
  }

  override onWsMessage(channel: Channel, text: string) {
    const nickname = this.clients.get(channel) ?? "unknown";
    this.send(channel, `echo: ${text}`);
    this.broadcast(`${nickname}: ${text}`, { exclude: channel });
  }
}
