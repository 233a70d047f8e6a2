import { GreenhouseFake, ConnectorSuite } from "@weft/testing"

// The Greenhouse connector against its provider fake, through the real engine.
ConnectorSuite.connectorConformance(GreenhouseFake.fixture)
