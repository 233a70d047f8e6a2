import { HubSpotFake } from "@weft/testing"
import { ConnectorSuite } from "@weft/testing/conformance"

// The HubSpot connector against its provider fake, through the real engine.
ConnectorSuite.connectorConformance(HubSpotFake.fixture)
