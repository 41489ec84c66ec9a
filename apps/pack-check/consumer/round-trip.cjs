// Shared by consumer.mjs and consumer.cjs: each passes in the modules it loaded its own way.
const assert = require("node:assert/strict");

/** Starts a server from the installed packages on one backend; text, binary and HTTP round trips. */
async function roundTrip(backendName, { core, backends, clientNode, WebSocket }) {
  const { WebServer, Opcode } = core;
  const server = new WebServer({
    backend: backends[backendName](),
    onInit() {
      this.get("/ping", (_req, res) => res.text("pong"));
    },
    onWsMessageFrame(channel, data, opcode) {
      this.send(channel, data, opcode, true);
    },
  });
  const { url } = await server.listen({ host: "127.0.0.1", port: 0 });
  const wsUrl = `${url.replace("http", "ws")}/chat`;
  try {
    assert.equal(await (await fetch(`${url}/ping`)).text(), "pong");

    // The raw ws client: what any client sees.
    const ws = new WebSocket(wsUrl);
    const replies = [];
    const done = new Promise((resolve, reject) => {
      ws.on("error", reject);
      ws.on("message", (data, binary) => {
        replies.push({ text: data.toString(), binary });
        if (replies.length === 2) resolve();
      });
    });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    ws.send("hello");
    ws.send(Buffer.from([1, 2, 3]));
    await done;
    assert.deepEqual(replies[0], { text: "hello", binary: false });
    assert.deepEqual(replies[1], { text: "\x01\x02\x03", binary: true });
    const closed = new Promise((resolve) => ws.once("close", resolve));
    ws.close();
    await closed;

    // The Node client from its tarball.
    const client = new clientNode.WebSocketClient();
    await client.connect(wsUrl);
    client.send("from client-node");
    client.send(new Uint8Array([4, 5]));
    const text = await client.nextMessage({ timeout: 5000 });
    const binary = await client.nextMessage({ timeout: 5000 });
    assert.equal(text.text, "from client-node");
    assert.equal(text.opcode, clientNode.Opcode.TEXT);
    assert.deepEqual([...binary.data], [4, 5]);
    assert.equal(binary.opcode, Opcode.BINARY);
    await client.close();
  } finally {
    await server.close();
  }
}

/** What every consumer checks beyond the round trips: the other packages load and fit together. */
function checkOthers({ core, clientBrowser, pubsubRedis, clientServers }) {
  assert.equal(typeof clientBrowser.WebSocketClient, "function");
  assert.equal(clientBrowser.Opcode.BINARY, 2);
  assert.equal(new clientBrowser.ClientError("TIMEOUT").code, "TIMEOUT");
  const adapter = pubsubRedis.redisPubSub({ url: "redis://127.0.0.1:6379" });
  assert.equal(typeof adapter.publish, "function"); // constructing it does not connect
  assert.equal(pubsubRedis.DEFAULTS.prefix, "switchboard:");
  assert.equal(typeof clientServers.clientServers, "function");
  // The conformance servers extend the same core the consumer loaded: one copy of core.
  assert.ok(clientServers.ProbeServer.prototype instanceof core.WebServer);
}

/** Runs everything, prints `ok <label>`, and never hangs: a stuck run fails after 30 s. */
function main(label, modules) {
  const timer = setTimeout(() => {
    console.error(`${label}: no round trip within 30 s`);
    process.exit(1);
  }, 30_000);
  (async () => {
    checkOthers(modules);
    for (const backend of Object.keys(modules.backends)) await roundTrip(backend, modules);
    if (modules.extra) await modules.extra();
  })().then(
    () => {
      clearTimeout(timer);
      console.log(`ok ${label}`);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

module.exports = { main };
