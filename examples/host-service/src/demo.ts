import { BambooHRFake } from "@weft/testing"
import { type HostService, type ServiceOptions, start } from "./service.js"

/**
 * Demo mode: the service with a fake BambooHR (a real HTTP server on
 * 127.0.0.1 from `@weft/testing`, with seeded employees and mutations) in
 * place of the real one.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface Demo {
  readonly service: HostService
  readonly bamboohr: BambooHRFake.Fake
  /** What an earlier demo left in a durable store, disconnected at start. */
  readonly reset: { readonly integrations: number; readonly destinations: number }
  readonly close: () => Promise<void>
}

/**
 * A durable store remembers an earlier demo: its integrations point at a
 * fake that is gone, and its destinations at an endpoint with another
 * secret. Demo mode disconnects them (their runs stay listable) and disables
 * those destinations, so each start walks through from a clean slate.
 */
const resetEarlier = async (service: HostService) => {
  const integrations = await service.weft.integrations.list({ tenant: "acme" })
  for (const integration of integrations) await service.weft.integrations.disconnect(integration.id)
  const stale = (await service.weft.destinations.list()).filter((d) => d.id !== service.destinationId && d.enabled)
  for (const destination of stale) await service.weft.destinations.disable(destination.id, "left by an earlier start of the demo")
  return { integrations: integrations.length, destinations: stale.length }
}

/**
 * Starts the BambooHR fake (company domain `acme`) and the service pointed
 * at it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const startDemo = async (
  options: Omit<ServiceOptions, "bamboohrBaseUrl"> & { readonly employees?: number; readonly seed?: number } = {}
): Promise<Demo> => {
  const bamboohr = await BambooHRFake.start({ size: options.employees ?? 40, seed: options.seed ?? 7, companyDomain: "acme" })
  try {
    const service = await start({ ...options, bamboohrBaseUrl: bamboohr.baseUrl })
    let reset: Demo["reset"]
    try {
      reset = await resetEarlier(service)
    } catch (error) {
      await service.close()
      throw error
    }
    return {
      service,
      bamboohr,
      reset,
      close: async () => {
        await service.close()
        await bamboohr.close()
      }
    }
  } catch (error) {
    await bamboohr.close()
    throw error
  }
}
