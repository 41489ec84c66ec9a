import { HttpError, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

interface User {
  name: string;
}

export class ApiServer extends WebServer {
  readonly users = new Map<string, User>([["1", { name: "ada" }]]);

  override onInit() {
    // A returned object is sent as JSON, a string as text/plain, a Uint8Array as bytes.
    this.get("/users/:id", (req) => {
      const user = this.users.get(req.params.id ?? "");
      if (!user) throw new HttpError(404, "no such user");
      return user;
    });

    this.post("/users", async (req, res) => {
      const body = await req.json<Partial<User>>(); // 400 when not JSON, 413 past maxBodyBytes
      if (!body.name) throw new HttpError(400, "name is required");
      const id = String(this.users.size + 1);
      this.users.set(id, { name: body.name });
      res.status(201).header("location", `/users/${id}`).json({ id });
    });

    this.get("/files/*", (req) => `you asked for ${req.params["*"]}`);
  }
}

export async function main(port = 8080): Promise<ApiServer> {
  const server = new ApiServer({ backend: wsBackend() });
  await server.listen({ port });
  return server;
}
