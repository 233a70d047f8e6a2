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
  readonly close: () => Promise<void>
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
    return {
      service,
      bamboohr,
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
