import { fromConnectError } from "@tt/kit";

/**
 * Awaits a Connect call and rethrows its failure as the catalogue error the service attached
 * (or the one its Connect code maps to), so REST answers carry the domain code unchanged.
 */
export async function upstream<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw fromConnectError(error);
  }
}
