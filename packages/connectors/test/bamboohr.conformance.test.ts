import { BambooHRFake } from "@weft/testing"
import { ConnectorSuite } from "@weft/testing/conformance"

// The BambooHR connector against its provider fake, through the real engine.
ConnectorSuite.connectorConformance(BambooHRFake.fixture)
