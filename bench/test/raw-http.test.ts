// The overload bench's lean client against a real listener: statuses, Retry-After and error
// codes read right, answers split across packets and chunked bodies included.
import { afterAll, expect, test } from "bun:test";
import { parseAnswer, postJson, RawHttpPool } from "../lib/raw-http.ts";

const server = Bun.serve({
  port: 0,
  async fetch(request) {
    const body = (await request.json()) as { n: number };
    if (body.n % 2) {
      return Response.json(
        { error: { code: "OVERLOADED" } },
        { status: 503, headers: { "retry-after": "1" } },
      );
    }
    return Response.json({ n: body.n, user: request.headers.get("x-user-id") }, { status: 202 });
  },
});
afterAll(() => server.stop(true));

test("answers on kept-alive connections, each to its own request", async () => {
  const pool = new RawHttpPool("127.0.0.1", server.port ?? 0, { maxConnections: 4, timeoutMs: 2000 });
  const answers = await Promise.all(
    Array.from({ length: 40 }, (_, n) => pool.request(postJson("/x", { "x-user-id": `u${n}` }, { n }))),
  );
  pool.close();
  expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 40 }, (_, n) => (n % 2 ? 503 : 202)));
  expect(answers.filter((a) => a.retryAfter)).toHaveLength(20);
  expect(answers.filter((a) => a.code === "OVERLOADED")).toHaveLength(20);
});

test("an answer is read only once all of it has arrived", () => {
  const whole = "HTTP/1.1 202 Accepted\r\nContent-Length: 5\r\n\r\nhello";
  expect(parseAnswer(whole.slice(0, 30))).toBeUndefined();
  expect(parseAnswer(whole.slice(0, -1))).toBeUndefined();
  expect(parseAnswer(`${whole}HTTP/1.1`)).toEqual({
    status: 202,
    retryAfter: false,
    body: "hello",
    rest: "HTTP/1.1",
  });
  const chunked =
    "HTTP/1.1 503 x\r\nTransfer-Encoding: chunked\r\nRetry-After: 1\r\n\r\n2\r\nab\r\n0\r\n\r\n";
  expect(parseAnswer(chunked.slice(0, -2))).toBeUndefined();
  expect(parseAnswer(chunked)?.status).toBe(503);
  expect(parseAnswer(chunked)?.retryAfter).toBe(true);
  expect(parseAnswer(chunked)?.rest).toBe("");
});
