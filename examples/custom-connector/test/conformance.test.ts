import { ConnectorSuite } from "@weft/testing/conformance"
import { effectFixture, promiseFixture } from "../src/fixture.js"

// The same Tickety connector, written in each style, against the same fake
// and the same scripted mutations, through the real sync engine.
ConnectorSuite.connectorConformance(effectFixture)
ConnectorSuite.connectorConformance(promiseFixture)
