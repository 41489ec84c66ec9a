import { describe, expect } from "vitest";
import { ChatServer } from "../support/chat-server.js";
import { eventually, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";

/** The HV-06 tutorial, end to end: the transcript every backend must produce. */
export function transcriptCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("the tutorial chat transcript", () => {
    it("welcomes, announces, echoes, broadcasts and says goodbye", async () => {
      const { server, wsUrl, httpUrl } = await ctx.start((backend) => new ChatServer({ backend }));
      const alice = await TestClient.connect(wsUrl("/chat"));
      expect(await alice.nextText()).toBe("welcome user_1");

      alice.send("hello server!");
      expect(await alice.nextText()).toBe("echo: hello server!");

      const bob = await TestClient.connect(wsUrl("/chat"));
      expect(await bob.nextText()).toBe("welcome user_2");
      expect(await alice.nextText()).toBe("user_2 joined");

      bob.send("hi everyone!");
      expect(await bob.nextText()).toBe("echo: hi everyone!");
      expect(await alice.nextText()).toBe("user_2: hi everyone!");

      expect(await (await fetch(httpUrl("/clients"))).text()).toBe("2");

      await alice.close();
      expect(await bob.nextText()).toBe("user_1 left");
      await eventually(() => server.clientCount === 1, 5000, "server to see alice leave");

      await bob.close();
      await eventually(() => server.clientCount === 0, 5000, "server to see bob leave");
      expect(await (await fetch(httpUrl("/clients"))).text()).toBe("0");
      expect(await alice.silentFor(50)).toBe(true);
      expect(server.opened).toEqual(["/chat", "/chat"]);
    });

    it("serves GET /ping as text/plain while WebSocket clients are connected", async () => {
      const { wsUrl, httpUrl } = await ctx.start((backend) => new ChatServer({ backend }));
      const client = await TestClient.connect(wsUrl("/chat"));
      await client.nextText();
      const response = await fetch(httpUrl("/ping"));
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await response.text()).toBe("pong");
      await client.close();
    });

    it("passes the upgrade path and query to onWsOpen", async () => {
      const { server, wsUrl } = await ctx.start((backend) => new ChatServer({ backend }));
      const client = await TestClient.connect(wsUrl("/chat?room=7&name=%C3%A9"));
      await client.nextText();
      expect(server.opened).toEqual(["/chat?room=7&name=%C3%A9"]);
      await client.close();
    });

    it("announces a dropped TCP connection as 'left'", async () => {
      const { server, wsUrl } = await ctx.start((backend) => new ChatServer({ backend }));
      const alice = await TestClient.connect(wsUrl("/chat"));
      await alice.nextText();
      const bob = await TestClient.connect(wsUrl("/chat"));
      await bob.nextText();
      await alice.nextText();
      bob.drop();
      expect(await alice.nextText()).toBe("user_2 left");
      expect(server.clientCount).toBe(1);
      await alice.close();
    });

    it("fans out to 120 clients with exact counts", async () => {
      const { server, wsUrl } = await ctx.start((backend) => new ChatServer({ backend }));
      const count = 120;
      const clients: TestClient[] = [];
      for (let i = 0; i < count; i++) {
        const client = await TestClient.connect(wsUrl("/chat"));
        expect(await client.nextText()).toBe(`welcome user_${i + 1}`);
        clients.push(client);
      }
      // Each earlier client saw every later one join.
      for (const [i, client] of clients.entries()) {
        const joins = await client.texts(count - 1 - i);
        expect(joins).toEqual(
          Array.from({ length: count - 1 - i }, (_, k) => `user_${i + k + 2} joined`),
        );
      }
      const rounds = 5;
      for (let r = 0; r < rounds; r++) clients[0]?.send(`round ${r}`);
      for (const [i, client] of clients.entries()) {
        const expected = Array.from({ length: rounds }, (_, r) =>
          i === 0 ? `echo: round ${r}` : `user_1: round ${r}`,
        );
        expect(await client.texts(rounds)).toEqual(expected);
        expect(await client.silentFor(i === 0 ? 30 : 0)).toBe(true);
      }
      expect(server.clientCount).toBe(count);
      await Promise.all(clients.map((client) => client.close()));
      await eventually(() => server.clientCount === 0, 5000, "all clients to leave");
    });
  });
}
