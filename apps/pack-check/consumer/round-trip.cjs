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

/** Opens a raw ws client and collects its text messages. */
async function rawClient(WebSocket, url) {
  const ws = new WebSocket(url);
  const texts = [];
  const waiters = [];
  ws.on("message", (data) => {
    texts.push(data.toString());
    for (const waiter of waiters.splice(0)) waiter();
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const next = async () => {
    while (texts.length === 0) await new Promise((resolve) => waiters.push(resolve));
    return texts.shift();
  };
  return { ws, next };
}

/**
 * One copy of core across the packages: the channels a backend package hands out are core's
 * `Channel`, and a broadcast that excludes one of them, carried through the Redis adapter, reaches
 * everyone but that channel.
 */
async function oneCore(backendName, { core, backends, pubsubRedis, WebSocket }) {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error("REDIS_URL is not set");
  const pubsub = pubsubRedis.redisPubSub({ url: redisUrl, prefix: `one-core-${backendName}:` });
  const server = new core.WebServer({
    backend: backends[backendName](),
    pubsub,
    onWsOpen(channel) {
      assert.ok(channel instanceof core.Channel, "a channel is core's Channel");
      channel.send("ready");
    },
    onWsMessage(channel, text) {
      if (text === "exclude me") this.broadcast("to the others", { exclude: channel });
      if (text === "everyone") this.broadcast("to everyone");
    },
  });
  const { url } = await server.listen({ host: "127.0.0.1", port: 0 });
  const wsUrl = `${url.replace("http", "ws")}/`;
  try {
    const a = await rawClient(WebSocket, wsUrl);
    const b = await rawClient(WebSocket, wsUrl);
    assert.equal(await a.next(), "ready");
    assert.equal(await b.next(), "ready");
    a.ws.send("exclude me");
    assert.equal(await b.next(), "to the others");
    a.ws.send("everyone");
    // A's first message after "ready" is the second broadcast: the first one excluded it.
    assert.equal(await a.next(), "to everyone", `${backendName}: exclude held across packages`);
    assert.equal(await b.next(), "to everyone");
    a.ws.close();
    b.ws.close();
  } finally {
    await server.close();
  }
}

/**
 * The backends that run here. uWebSockets.js is the user's: where the test installed no build
 * (none loads on this Node.js), uwsBackend() must refuse with core's own error class.
 */
function runnableBackends({ core, backends }) {
  const runnable = {};
  for (const [name, factory] of Object.entries(backends)) {
    try {
      factory();
      runnable[name] = factory;
    } catch (error) {
      const expectedAbsent = name === "uws" && process.env.UWS_ABSENT === "1";
      if (!expectedAbsent) throw error;
      assert.ok(error instanceof core.SwitchboardError, "ENGINE_UNAVAILABLE is core's error");
      assert.equal(error.code, "ENGINE_UNAVAILABLE");
      console.log(`skipped ${name}: ${error.message}`);
    }
  }
  return runnable;
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
    const backends = runnableBackends(modules);
    for (const backend of Object.keys(backends)) {
      await roundTrip(backend, modules);
      await oneCore(backend, modules);
    }
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
