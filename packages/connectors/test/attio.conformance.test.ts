import { AttioFake } from "@weft/testing"
import { ConnectorSuite } from "@weft/testing/conformance"

// The Attio connector against its provider fake, through the real engine.
ConnectorSuite.connectorConformance(AttioFake.fixture)
