import uWS from "uWebSockets.js";
import { uwsBackend } from "@switchboard/server-uws";
import { ChatServer } from "./getting-started-1.js";

export async function main(port = 9001) {
  // The application's app, with its own routes.
  const app = uWS.App();
  app.get("/hello", (res) => {
    res.end("hello from uWS");
  });

  // The chat adds its WebSocket behaviour at /chat, and its routes (GET /ping, GET /clients).
  const chat = new ChatServer({ backend: uwsBackend({ app, path: "/chat", routes: true }) });
  await chat.listen(); // opens no port: the app listens, below

  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen("127.0.0.1", port, (socket) =>
      socket ? resolve(socket) : reject(new Error(`cannot listen on port ${port}`)),
    );
  });
  return {
    chat,
    port: uWS.us_socket_local_port(listenSocket),
    async stop() {
      await chat.close(); // the chat's clients get 1001; the app keeps running
      uWS.us_listen_socket_close(listenSocket);
    },
  };
}
