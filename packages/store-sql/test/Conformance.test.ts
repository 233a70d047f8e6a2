import { StoreSuite } from "@weft/testing/conformance"
import { pgLayer, sqliteLayer } from "./layers.js"

StoreSuite.storeConformance("StoreSql (SQLite)", () => sqliteLayer())
StoreSuite.storeConformance("StoreSql (Postgres)", () => pgLayer())
