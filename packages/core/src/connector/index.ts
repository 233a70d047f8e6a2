/**
 * The connector contract and the helpers connectors are built from.
 *
 * @since 0.1.0
 */
export * as Auth from "./Auth.js"
export * as Connector from "./Connector.js"
export * as CredentialForm from "./CredentialForm.js"
export * as Errors from "./Errors.js"
export * as Pagination from "./Pagination.js"
export * as ProviderHttp from "./ProviderHttp.js"
export * as ReadLimits from "./ReadLimits.js"
