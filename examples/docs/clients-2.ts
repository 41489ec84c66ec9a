import { WebSocketClient } from "@switchboard/client-node";

export async function connectForever(url: string): Promise<WebSocketClient> {
  const client = new WebSocketClient({
    // Retry after 100 ms, then 200, 400… up to 2 s apart, each spread by ±50%, forever.
    reconnect: { initialDelay: 100, maxDelay: 2000 },
    // Sends made while reconnecting wait here (then QUEUE_FULL), and go out in order once open.
    maxQueuedMessages: 100,
    onOpen: () => console.log("open"),
    onClose: (code, _reason, reconnecting) =>
      console.log(`closed with ${code}${reconnecting ? "; reconnecting" : ""}`),
  });
  await client.connect(url);
  return client;
}
