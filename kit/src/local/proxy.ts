/**
 * A small TCP proxy standing in for the load balancer in front of several gateway replicas on
 * one machine: each new connection goes to the next replica in turn, and to the one after when
 * that one refuses it (a replica that was just killed). Bytes are passed through untouched, so
 * HTTP keep-alive and the live queue's WebSockets work as they do behind the real one; a
 * connection to a replica that dies is closed, and the client reconnects — through the proxy,
 * to a replica still standing.
 */
import type { Socket, TCPSocketListener } from "bun";

interface Side {
  /** The other end, once connected. */
  peer?: Socket<Side>;
  /** What arrived before the other end could take it (not yet connected, or pushing back). */
  pending: Uint8Array[];
  closed: boolean;
}

/** Writes what it can of `chunks` to `to`; keeps the rest, in order, for its next drain. */
function flush(to: Socket<Side>, chunks: Uint8Array[]): void {
  while (chunks.length > 0) {
    const chunk = chunks[0] as Uint8Array;
    const written = to.write(chunk);
    if (written === chunk.byteLength) {
      chunks.shift();
      continue;
    }
    chunks[0] = chunk.subarray(Math.max(0, written));
    return;
  }
}

/** Sends `data` on to the other end of `from`, in order behind anything already waiting. */
function forward(from: Side, data: Uint8Array): void {
  // Bun reuses the buffer it hands over: keep a copy of whatever has to wait.
  if (!from.peer || from.pending.length > 0) {
    from.pending.push(new Uint8Array(data));
    if (from.peer) flush(from.peer, from.pending);
    return;
  }
  const written = from.peer.write(data);
  if (written < data.byteLength) from.pending.push(new Uint8Array(data.subarray(Math.max(0, written))));
}

/** Closes the other end once one end closes, after handing it what was still waiting. */
function hangUp(socket: Socket<Side>): void {
  const side = socket.data;
  if (side.closed) return;
  side.closed = true;
  if (side.peer) {
    flush(side.peer, side.pending);
    side.peer.end();
  }
}

/** The same on both ends of a connection: the client's and the replica's. */
const RELAY = {
  data: (socket: Socket<Side>, data: Uint8Array) => forward(socket.data, data),
  // This end can take more: let through what the other end sent meanwhile.
  drain: (socket: Socket<Side>) => {
    const peer = socket.data.peer;
    if (peer) flush(socket, peer.data.pending);
  },
  close: hangUp,
  error: hangUp,
};

/**
 * Listens on `port` and spreads connections over `backends` (ports on 127.0.0.1), round robin.
 * Returns the listener (`stop()` closes it).
 */
export function startTcpProxy(port: number, backends: readonly number[]): TCPSocketListener<Side> {
  let next = 0;
  const connectBackend = async (client: Socket<Side>, tries: number): Promise<void> => {
    const backend = backends[next++ % backends.length] as number;
    try {
      const upstream = await Bun.connect<Side>({
        hostname: "127.0.0.1",
        port: backend,
        data: { peer: client, pending: [], closed: false },
        socket: RELAY,
      });
      if (client.data.closed) return void upstream.end();
      client.data.peer = upstream;
      flush(upstream, client.data.pending);
    } catch {
      if (tries + 1 < backends.length) return connectBackend(client, tries + 1);
      client.end();
    }
  };
  return Bun.listen<Side>({
    hostname: "127.0.0.1",
    port,
    socket: {
      open: (client) => {
        client.data = { pending: [], closed: false };
        void connectBackend(client, 0);
      },
      ...RELAY,
    },
  });
}
