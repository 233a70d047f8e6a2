/**
 * The Promise/ky authoring kit: connectors written with async generators and
 * a pre-wired `ky`, for teams new to Effect. `define` returns a regular
 * `Connector.Connector`.
 *
 * @since 0.1.0
 */
import { Errors } from "@weft/core/connector"

export * from "./connector.js"
export { describeRequest, ProviderCallError, scrubberFor, toConnectionError, toReadError } from "./errors.js"
export type { Scrub } from "./errors.js"
export { makeFetch, makeKyInstance } from "./fetch.js"
export type { Fetch, KyInstanceOptions, OnRequest } from "./fetch.js"
export { fromAsyncIterator } from "./stream.js"

/**
 * Throw it from `check` to refuse credentials with a code, a message and a
 * resolution the end user can act on.
 *
 * @since 0.1.0
 * @category errors
 */
export const ConnectionError = Errors.ConnectionError

/**
 * @since 0.1.0
 * @category errors
 */
export type ConnectionError = Errors.ConnectionError

/**
 * Throw it from a reader for a failure you can name better than the kit.
 *
 * @since 0.1.0
 * @category errors
 */
export const ConnectorError = Errors.ConnectorError

/**
 * @since 0.1.0
 * @category errors
 */
export type ConnectorError = Errors.ConnectorError

/**
 * What ky throws for a non-2xx answer (the kit maps it to a `ConnectorError`).
 *
 * @since 0.1.0
 * @category errors
 */
export { HTTPError } from "ky"
