import { expect, test } from "bun:test";
import { AppError } from "@tt/kit";
import { ReservationError } from "../../src/domain/errors.ts";
import { freshDomain } from "../support/domain.ts";

test("a refusal is a ReservationError: an AppError of the catalogue, answered by every transport alike", async () => {
  const { svc } = freshDomain();
  const error = await svc.get("rsv_00000000000000000000000000000000", "u1").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ReservationError);
  expect(error).toBeInstanceOf(AppError);
  expect((error as ReservationError).code).toBe("RESERVATION_NOT_FOUND");
  expect((error as ReservationError).status).toBe(404);
});
