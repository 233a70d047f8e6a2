import { BambooHRFake, ConnectorSuite } from "@weft/testing"

// The BambooHR connector against its provider fake, through the real engine.
ConnectorSuite.connectorConformance(BambooHRFake.fixture)
