import { describe, expect, it } from "vitest";
import { EventClient } from "../src/index.js";
import { FakeClient, settle } from "./fake.js";

const PROTOCOL = "switchboard.v1.json";

describe("EventClient on the shared client", () => {
  it("offers the events protocol first, before the client's own", async () => {
    const client = new FakeClient({ protocols: ["chat"] });
    new EventClient(client);
    const opened = client.connect("ws://127.0.0.1:9/");
    await settle();
    expect(client.socket.options.protocols).toEqual([PROTOCOL, "chat"]);
    client.socket.open(PROTOCOL);
    await opened;
  });

  it("keeps envelopes from the raw callbacks and the raw inbox, and raw text from the events", async () => {
    const texts: string[] = [];
    const client = new FakeClient({ onMessage: (text) => void texts.push(text) });
    const events = new EventClient<{ serverEvents: { tick: number } }>(client);
    const ticks: number[] = [];
    events.on("tick", (n) => void ticks.push(n));
    const opened = client.connect("ws://127.0.0.1:9/");
    await settle();
    client.socket.open(PROTOCOL);
    await opened;
    client.socket.receive('\x1e[1,"e","tick",1]');
    client.socket.receive("plain");
    client.socket.receive('\x1e[2,"e","tick",2]');
    expect(ticks).toEqual([1, 2]);
    expect(texts).toEqual(["plain"]);
    expect((await client.nextMessage({ timeout: 10 })).text).toBe("plain");
  });

  it("takes envelopes for raw text when the server did not accept the protocol", async () => {
    const texts: string[] = [];
    const client = new FakeClient({ onMessage: (text) => void texts.push(text) });
    const events = new EventClient(client);
    const opened = client.connect("ws://127.0.0.1:9/");
    await settle();
    client.socket.open("");
    await opened;
    expect(events.negotiated).toBe(false);
    client.socket.receive('\x1e[1,"e","tick",1]');
    expect(texts).toEqual(['\x1e[1,"e","tick",1]']);
  });

  it("is made once per client, before connect()", async () => {
    const client = new FakeClient();
    new EventClient(client);
    expect(() => new EventClient(client)).toThrow(/one EventClient per client/);
    const late = new FakeClient();
    const connecting = late.connect("ws://127.0.0.1:9/").catch(() => {});
    expect(() => new EventClient(late)).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION" }),
    );
    await late.close();
    await connecting;
  });
});
