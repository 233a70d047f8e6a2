import { AttioFake, ConnectorSuite } from "@weft/testing"

// The Attio connector against its provider fake, through the real engine.
ConnectorSuite.connectorConformance(AttioFake.fixture)
