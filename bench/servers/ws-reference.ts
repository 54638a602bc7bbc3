// The WebSocket benchmark's reference: bare Bun.serve doing the live queue's fan-out and nothing
// else. Every socket gets its own position frame per move (as docs/spec.md, "Live queue (WebSocket)",
// asks of the gateway), sent in one loop, so the reference pays what the machine charges for the writes
// themselves: the floor under any gateway on the same machine and client.
//   POST /moves?count=N&every=MS  starts N moves, one every MS ms
//   GET  /moves                   each finished move's "serving" number and start time (ms)
//   GET  /ws                      upgrades; the socket gets a first frame at once
const sockets: Bun.ServerWebSocket<unknown>[] = [];
const moves: Array<{ served: number; at: number }> = [];

const frame = (position: number, served: number) =>
  `{"type":"position","position":${position},"eta_sec":${Math.ceil(position / 200)},"serving":${served},"rate_per_sec":200}`;

function move(served: number): void {
  const at = Date.now();
  for (let i = 0; i < sockets.length; i++) sockets[i]?.send(frame(i + 1, served));
  moves.push({ served, at });
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  fetch(request, srv) {
    const url = new URL(request.url);
    if (url.pathname === "/ws")
      return srv.upgrade(request) ? undefined : new Response("upgrade", { status: 400 });
    if (url.pathname === "/moves" && request.method === "POST") {
      const count = Number(url.searchParams.get("count") ?? 40);
      const every = Number(url.searchParams.get("every") ?? 250);
      for (let i = 1; i <= count; i++) setTimeout(() => move(i), i * every);
      return new Response("started");
    }
    if (url.pathname === "/moves") return Response.json(moves);
    return new Response("ok");
  },
  websocket: {
    open(ws) {
      sockets.push(ws);
      ws.send(frame(sockets.length, 0));
    },
    message() {},
  },
});
process.stdout.write(`listening ${server.port}\n`);
