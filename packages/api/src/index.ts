/**
 * Weft's management HTTP API: the definition, the server and a typed client.
 *
 * @since 0.1.0
 */
export * as WeftApi from "./WeftApi.js"
export * as WeftApiClient from "./WeftApiClient.js"
export * as WeftApiServer from "./WeftApiServer.js"
