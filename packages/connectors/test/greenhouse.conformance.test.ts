import { GreenhouseFake } from "@weft/testing"
import { ConnectorSuite } from "@weft/testing/conformance"

// The Greenhouse connector against its provider fake, through the real engine.
ConnectorSuite.connectorConformance(GreenhouseFake.fixture)
