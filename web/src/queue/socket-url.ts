/** The live-queue WebSocket URL for a waiting token, on the page's own origin (ws: or wss:). */
export function queueSocketUrl(waitingToken: string, pageUrl: string): string {
  const url = new URL("/api/v1/queue/ws", pageUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("token", waitingToken);
  return url.toString();
}
