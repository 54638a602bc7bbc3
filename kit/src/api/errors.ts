import { t } from "elysia";

/** The standard error body every refusal answers (docs/spec.md, "Errors"); `details` carries facts a client acts on. */
export const ErrorAnswer = t.Object(
  {
    error: t.Object({
      code: t.String({ description: "A code of the error catalogue (UPPER_SNAKE)", examples: ["SOLD_OUT"] }),
      message: t.String(),
      trace_id: t.String(),
      details: t.Optional(t.Record(t.String(), t.String())),
    }),
  },
  { description: "The standard error body" },
);
/** The standard error body. */
export type ErrorAnswer = typeof ErrorAnswer.static;

/**
 * The error body under every 4xx/5xx status the catalogue uses, to spread into a route's
 * `response` map so Swagger lists the refusals beside the answer. Errors leave through the kit's
 * responder as ready-made responses, which Elysia does not validate again.
 */
export const errorAnswers = {
  400: ErrorAnswer,
  401: ErrorAnswer,
  403: ErrorAnswer,
  404: ErrorAnswer,
  409: ErrorAnswer,
  410: ErrorAnswer,
  412: ErrorAnswer,
  413: ErrorAnswer,
  415: ErrorAnswer,
  428: ErrorAnswer,
  429: ErrorAnswer,
  500: ErrorAnswer,
  503: ErrorAnswer,
  504: ErrorAnswer,
} as const;
