// The JSON answers of the gateway's routes as Elysia models: the routes declare them as their
// `response` (so Swagger shows them and Elysia checks them), and the web app and the bench
// import their types (`import type`) from here, `@tt/kit/api`, without pulling in server code;
// with them the live-queue socket's frame types (frames.ts).
export * from "./admin.ts";
export * from "./errors.ts";
export * from "./events.ts";
export * from "./frames.ts";
export * from "./queue.ts";
export * from "./reservations.ts";
