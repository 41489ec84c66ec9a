// Shared by consumer.mjs and consumer.cjs: each passes in the modules it loaded its own way.
const assert = require("node:assert/strict");

/** Starts a server from the installed packages and does a text, binary and HTTP round trip. */
async function roundTrip({ WebServer, Opcode, wsBackend, WebSocket }) {
  const server = new WebServer({
    backend: wsBackend(),
    onInit() {
      this.get("/ping", (_req, res) => res.text("pong"));
    },
    onWsMessageFrame(channel, data, opcode) {
      this.send(channel, data, opcode, true);
    },
  });
  const { url } = await server.listen({ host: "127.0.0.1", port: 0 });
  try {
    assert.equal(await (await fetch(`${url}/ping`)).text(), "pong");
    const ws = new WebSocket(`${url.replace("http", "ws")}/chat`);
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
    assert.equal(Opcode.TEXT, 1);
    assert.equal(Opcode.BINARY, 2);
    const closed = new Promise((resolve) => ws.once("close", resolve));
    ws.close();
    await closed;
  } finally {
    await server.close();
  }
}

/** Runs `roundTrip`, prints `ok <label>`, and never hangs: a stuck run fails after 20 s. */
function main(label, modules) {
  const timer = setTimeout(() => {
    console.error(`${label}: no round trip within 20 s`);
    process.exit(1);
  }, 20_000);
  roundTrip(modules).then(
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
