/**
 * The package version sent in `user-agent: weft/<version>`. A test keeps it
 * equal to package.json.
 *
 * @internal
 */
export const version = "0.1.0"
