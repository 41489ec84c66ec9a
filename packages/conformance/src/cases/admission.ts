import type { Admission } from "@switchboard/core";
import { WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually, sleep, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { rawExchange, statusOf, upgradeRequest } from "../support/raw.js";

const refusedWith = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 0;
  } catch (error) {
    return Number(/upgrade refused: (\d+)/.exec(String(error))?.[1] ?? -1);
  }
};

/** onWsUpgrade: an async decision, made once, within a deadline. */
export function admissionCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("upgrade admission", () => {
    it("an async authorizer accepts with data and the chosen offered protocol, or rejects with a status", async () => {
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer<{ user: string }>({
            backend,
            async onWsUpgrade(request, admission) {
              await sleep(20);
              const token = request.query.get("token");
              if (token === "good")
                admission.accept({ protocol: request.protocols[1], data: { user: "ann" } });
              else admission.reject(401, { "www-authenticate": "Bearer" });
            },
            onWsOpen(channel) {
              channel.send(`hello ${channel.data.user} via ${channel.protocol}`);
            },
          }),
      );
      const ok = await TestClient.connect(wsUrl("/?token=good"), { protocols: ["v1", "v2"] });
      expect(ok.ws.protocol).toBe("v2");
      expect(await ok.nextText()).toBe("hello ann via v2");
      expect(await refusedWith(TestClient.connect(wsUrl("/?token=bad")))).toBe(401);
      expect(server.clientCount).toBe(1);
      await ok.close();
    });

    it("refuses (400) a protocol the client did not offer and reports the bug", async () => {
      const errors: string[] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsUpgrade(_request, admission) {
              admission.accept({ protocol: "not-offered" });
            },
            onError(error) {
              errors.push((error as { code: string }).code);
            },
          }),
      );
      expect(await refusedWith(TestClient.connect(wsUrl("/"), { protocols: ["v1"] }))).toBe(400);
      expect(errors).toEqual(["INVALID_ARGUMENT"]);
    });

    it("answers 408 when no decision comes within upgradeTimeoutMs, and later decisions are void", async () => {
      let kept: Admission | undefined;
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            upgradeTimeoutMs: 150,
            onWsUpgrade(_request, admission) {
              kept = admission;
            },
          }),
      );
      expect(await refusedWith(TestClient.connect(wsUrl("/")))).toBe(408);
      expect(kept?.pending).toBe(false);
      expect(kept?.accept()).toBe(false);
      expect(kept?.reject(403)).toBe(false);
      expect(server.clientCount).toBe(0);
    });

    it("an admission is single-use", async () => {
      const results: boolean[] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsUpgrade(_request, admission) {
              results.push(admission.accept(), admission.accept(), admission.reject(403));
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      expect(results).toEqual([true, false, false]);
      await client.close();
    });

    it("keeps serving HTTP while admissions are pending, and close() voids them with 503", async () => {
      const pending: Admission[] = [];
      const { server, address, httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onInit() {
              this.get("/ping", () => "pong");
            },
            onWsUpgrade(_request, admission) {
              pending.push(admission);
            },
          }),
      );
      const answers = [1, 2, 3].map(() => rawExchange(address.port, upgradeRequest("/"), 5000));
      await eventually(() => pending.length === 3, 5000, "three pending admissions");
      expect(await (await fetch(httpUrl("/ping"))).text()).toBe("pong");
      await server.close();
      for (const answer of await Promise.all(answers)) expect(statusOf(answer)).toBe(503);
      expect(pending.every((admission) => !admission.pending && !admission.accept())).toBe(true);
    });

    it("refuses malformed handshakes before user code runs", async () => {
      let calls = 0;
      const { address } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsUpgrade(_request, admission) {
              calls++;
              admission.accept();
            },
          }),
      );
      const answer = await rawExchange(
        address.port,
        upgradeRequest("/", { "sec-websocket-key": null }),
      );
      expect(statusOf(answer)).toBe(400);
      expect(calls).toBe(0);
    });

    it("refuses values that would inject headers, and reject() validates its status", async () => {
      const codes: string[] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsUpgrade(_request, admission) {
              for (const attempt of [
                () => admission.reject(403, { "x-evil": "a\r\nset-cookie: pwned=1" }),
                () => admission.reject(403, { "bad name": "x" }),
                () => admission.reject(200),
                () => admission.reject(600),
              ]) {
                try {
                  attempt();
                } catch (error) {
                  codes.push((error as { code: string }).code);
                }
              }
              admission.reject(403, { "x-reason": "ok" });
            },
          }),
      );
      expect(await refusedWith(TestClient.connect(wsUrl("/")))).toBe(403);
      expect(codes).toEqual(Array(4).fill("INVALID_ARGUMENT"));
    });

    it("a throwing authorizer answers 500 and is reported", async () => {
      const errors: string[] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            async onWsUpgrade() {
              throw new Error("authorizer down");
            },
            onError(error, context) {
              errors.push(`${context.source}: ${(error as Error).message}`);
            },
          }),
      );
      expect(await refusedWith(TestClient.connect(wsUrl("/")))).toBe(500);
      expect(errors).toEqual(["onWsUpgrade: authorizer down"]);
    });

    it("a client that leaves while pending voids its admission", async () => {
      let kept: Admission | undefined;
      const { address } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsUpgrade(_request, admission) {
              kept = admission;
            },
          }),
      );
      await rawExchange(address.port, upgradeRequest("/"), 100);
      await eventually(
        () => kept !== undefined && !kept.pending,
        5000,
        "the admission to be voided",
      );
      expect(kept?.accept()).toBe(false);
    });
  });
}
