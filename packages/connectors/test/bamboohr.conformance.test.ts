import { BambooHRFake } from "@weft/testing"
import { ConnectorSuite } from "@weft/testing/conformance"

// The BambooHR connector against its provider fake, through the real engine: the default
// (standard) field set, then the extended one (Get Employee per employee).
ConnectorSuite.connectorConformance(BambooHRFake.fixture)
ConnectorSuite.connectorConformance(BambooHRFake.fixtureExtended)
