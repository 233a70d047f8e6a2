/**
 * `@weft/connectors`: the built-in connectors and the Promise/ky authoring kit.
 *
 * @since 0.1.0
 */
