import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import { Pagination, type ProviderHttp } from "@weft/core"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { json, mockHttp, status } from "./httpMock.js"

const Page = Schema.Struct({ items: Schema.Array(Schema.Number), next_cursor: Schema.NullOr(Schema.String) })
const Items = Schema.Array(Schema.Number)
const pages = <E>(stream: Stream.Stream<ReadonlyArray<number>, E>) =>
  Effect.map(Stream.runCollect(stream), (chunk) => Chunk.toArray(chunk))

const decodePage = (body: unknown) =>
  Effect.map(Schema.decodeUnknown(Page)(body), (p) => ({ items: p.items, next: Option.fromNullable(p.next_cursor) }))

// Cursors "c1", "c2" lead to pages 2 and 3; page 3 has no next cursor.
const cursorPages: Record<string, { items: Array<number>; next_cursor: string | null }> = {
  "": { items: [1, 2], next_cursor: "c1" },
  c1: { items: [3, 4], next_cursor: "c2" },
  c2: { items: [5], next_cursor: null }
}

describe("Pagination", () => {
  describe("body cursor", () => {
    it.effect("GET with the cursor as a query parameter reads every page, in order", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((req) => json(cursorPages[req.param("cursor") ?? ""]))
        const result = yield* pages(Pagination.cursor({
          client: client as ProviderHttp.ProviderClient,
          operation: "list items",
          request: (cursor) =>
            HttpClientRequest.get("https://api.test/v1/items").pipe(
              HttpClientRequest.setUrlParams(Option.match(cursor, { onNone: () => ({}), onSome: (c) => ({ cursor: c }) }))
            ),
          decode: decodePage
        }))
        expect(result).toEqual([[1, 2], [3, 4], [5]])
        expect(sent.map((s) => s.param("cursor"))).toEqual([undefined, "c1", "c2"])
        expect(sent.every((s) => s.request.url === "https://api.test/v1/items")).toBe(true)
      }))

    it.effect("POST with the cursor in the JSON body", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((req) => {
          const body = req.bodyJson() as { after?: string; limit: number }
          return json(cursorPages[body.after ?? ""])
        })
        const result = yield* pages(Pagination.cursor({
          client: client as ProviderHttp.ProviderClient,
          operation: "search items",
          request: (cursor) =>
            HttpClientRequest.post("https://api.test/v1/items/search").pipe(
              HttpClientRequest.bodyUnsafeJson({ limit: 2, ...Option.match(cursor, { onNone: () => ({}), onSome: (after) => ({ after }) }) })
            ),
          decode: decodePage
        }))
        expect(result).toEqual([[1, 2], [3, 4], [5]])
        expect(sent.map((s) => s.request.method)).toEqual(["POST", "POST", "POST"])
        expect(sent.map((s) => s.bodyJson())).toEqual([{ limit: 2 }, { limit: 2, after: "c1" }, { limit: 2, after: "c2" }])
      }))

    it.effect("an empty next cursor ends the stream", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((req) =>
          json(req.param("cursor") === undefined ? { items: [1], next_cursor: "a" } : { items: [2], next_cursor: "" })
        )
        const result = yield* pages(Pagination.cursor({
          client: client as ProviderHttp.ProviderClient,
          operation: "list",
          request: (cursor) =>
            HttpClientRequest.get("https://api.test/items").pipe(
              HttpClientRequest.setUrlParams(Option.match(cursor, { onNone: () => ({}), onSome: (c) => ({ cursor: c }) }))
            ),
          decode: decodePage
        }))
        expect(result).toEqual([[1], [2]])
        expect(sent).toHaveLength(2)
      }))

    it.effect("a page that hands back the cursor it was given fails with PaginationLoopError", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((req) =>
          json({ items: [1], next_cursor: req.param("cursor") === undefined ? "same" : "same" })
        )
        const error = yield* Effect.flip(pages(Pagination.cursor({
          client: client as ProviderHttp.ProviderClient,
          operation: "list stuck",
          request: (cursor) =>
            HttpClientRequest.get("https://api.test/items").pipe(
              HttpClientRequest.setUrlParams(Option.match(cursor, { onNone: () => ({}), onSome: (c) => ({ cursor: c }) }))
            ),
          decode: decodePage
        })))
        expect(error._tag).toBe("PaginationLoopError")
        if (error._tag === "PaginationLoopError") {
          expect(error.cursor).toBe("same")
          expect(error.message).toContain("list stuck")
        }
        expect(sent).toHaveLength(2)
      }))

    it.effect("a longer cycle (a → b → a) is caught too", () =>
      Effect.gen(function*() {
        const next: Record<string, string> = { "": "a", a: "b", b: "a" }
        const { client, sent } = mockHttp((req) => json({ items: [0], next_cursor: next[req.param("cursor") ?? ""] }))
        const error = yield* Effect.flip(pages(Pagination.cursor({
          client: client as ProviderHttp.ProviderClient,
          operation: "list",
          request: (cursor) =>
            HttpClientRequest.get("https://api.test/items").pipe(
              HttpClientRequest.setUrlParams(Option.match(cursor, { onNone: () => ({}), onSome: (c) => ({ cursor: c }) }))
            ),
          decode: decodePage
        })))
        expect(error).toMatchObject({ _tag: "PaginationLoopError", cursor: "a" })
        expect(sent).toHaveLength(3)
      }))

    it.effect("the stream is lazy: page 2 is requested only when pulled", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((req) => json(cursorPages[req.param("cursor") ?? ""]))
        const stream = Pagination.cursor({
          client: client as ProviderHttp.ProviderClient,
          operation: "list",
          request: (cursor) =>
            HttpClientRequest.get("https://api.test/items").pipe(
              HttpClientRequest.setUrlParams(Option.match(cursor, { onNone: () => ({}), onSome: (c) => ({ cursor: c }) }))
            ),
          decode: decodePage
        })
        expect(sent).toHaveLength(0)
        expect(yield* pages(Stream.take(stream, 1))).toEqual([[1, 2]])
        expect(sent).toHaveLength(1)

        sent.length = 0
        yield* Effect.scoped(Effect.gen(function*() {
          const pull = yield* Stream.toPull(stream)
          expect(sent).toHaveLength(0)
          expect(Chunk.toArray(yield* pull)).toEqual([[1, 2]])
          expect(sent).toHaveLength(1)
          expect(Chunk.toArray(yield* pull)).toEqual([[3, 4]])
          expect(sent).toHaveLength(2)
        }))
        // Each run starts over from the first page.
        sent.length = 0
        expect(yield* pages(stream)).toHaveLength(3)
        expect(sent.map((s) => s.param("cursor"))).toEqual([undefined, "c1", "c2"])
      }))
  })

  describe("Link header", () => {
    it("nextLink finds rel=next among several links, quoted or not, in any case", () => {
      expect(Pagination.nextLink(undefined)).toEqual(Option.none())
      expect(Pagination.nextLink("")).toEqual(Option.none())
      expect(Pagination.nextLink('<https://a.test/x?page=3>; rel="next"')).toEqual(Option.some("https://a.test/x?page=3"))
      expect(Pagination.nextLink("<https://a.test/x?page=3>; rel=next")).toEqual(Option.some("https://a.test/x?page=3"))
      expect(Pagination.nextLink('<https://a.test/1>; rel="prev", <https://a.test/3>; rel="next", <https://a.test/9>; rel="last"'))
        .toEqual(Option.some("https://a.test/3"))
      expect(Pagination.nextLink('<https://a.test/1>; rel="first prev", <https://a.test/3>; title="x"; REL="Next Last"'))
        .toEqual(Option.some("https://a.test/3"))
      expect(Pagination.nextLink('<https://a.test/9>; rel="last"')).toEqual(Option.none())
      expect(Pagination.nextLink('<https://a.test/9>; rel="nextish"')).toEqual(Option.none())
      expect(Pagination.nextLink('<https://a.test/9>; title="rel=next"')).toEqual(Option.none())
    })

    it("nextLink keeps commas and semicolons inside targets and quoted values", () => {
      expect(Pagination.nextLink('<https://a.test/x?fields=a,b;c&page=2>; rel="next"')).toEqual(
        Option.some("https://a.test/x?fields=a,b;c&page=2")
      )
      expect(Pagination.nextLink('<https://a.test/1>; title="a, b; rel=next"; rel=prev, <https://a.test/2>; rel=next'))
        .toEqual(Option.some("https://a.test/2"))
    })

    it("parseLinkHeader reads targets and parameters", () => {
      expect(Pagination.parseLinkHeader('<https://a.test/2>; rel="next"; title="Page \\"2\\"", </3>;rel=last')).toEqual([
        { target: "https://a.test/2", params: { rel: "next", title: 'Page "2"' } },
        { target: "/3", params: { rel: "last" } }
      ])
    })

    it.effect("follows next links, absolute or relative to the requested URL, until there is none", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((req) => {
          const page = Number(req.param("page") ?? new URL(req.url).searchParams.get("page") ?? "1")
          const links: Record<number, string> = {
            1: '<https://api.test/v1/users?page=1>; rel="first", <https://api.test/v1/users?page=2&per_page=2>; rel="next"',
            2: '</v1/users?page=3&per_page=2>; rel=next, <https://api.test/v1/users?page=1>; rel="prev"',
            3: '<https://api.test/v1/users?page=1>; rel="first"'
          }
          return json([page * 10, page * 10 + 1].slice(0, page === 3 ? 1 : 2), { headers: { link: links[page]! } })
        })
        const result = yield* pages(Pagination.link({
          client: client as ProviderHttp.ProviderClient,
          operation: "list users",
          first: HttpClientRequest.get("https://api.test/v1/users").pipe(HttpClientRequest.setUrlParam("per_page", "2")),
          decode: Schema.decodeUnknown(Items)
        }))
        expect(result).toEqual([[10, 11], [20, 21], [30]])
        expect(sent.map((s) => s.url)).toEqual([
          "https://api.test/v1/users?per_page=2",
          "https://api.test/v1/users?page=2&per_page=2",
          "https://api.test/v1/users?page=3&per_page=2"
        ])
      }))

    it.effect("a custom next request builder is used for follow-up pages", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((_req, i) =>
          json([i], { headers: i === 0 ? { link: '<https://api.test/p2>; rel="next"' } : {} })
        )
        yield* pages(Pagination.link({
          client: client as ProviderHttp.ProviderClient,
          operation: "list",
          first: HttpClientRequest.get("https://api.test/p1"),
          next: (url) => HttpClientRequest.get(url).pipe(HttpClientRequest.setHeader("x-page", "follow")),
          decode: Schema.decodeUnknown(Items)
        }))
        expect(sent.map((s) => s.header("x-page"))).toEqual([undefined, "follow"])
      }))

    it.effect("a next link pointing back at a page already read fails with PaginationLoopError", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp(() => json([1], { headers: { link: '<https://api.test/p2>; rel="next"' } }))
        const error = yield* Effect.flip(pages(Pagination.link({
          client: client as ProviderHttp.ProviderClient,
          operation: "list",
          first: HttpClientRequest.get("https://api.test/p1"),
          decode: Schema.decodeUnknown(Items)
        })))
        expect(error).toMatchObject({ _tag: "PaginationLoopError", cursor: "https://api.test/p2" })
        expect(sent).toHaveLength(2)
      }))
  })

  describe("offset", () => {
    const data = [1, 2, 3, 4, 5]
    it.effect("GET: reads pages of `limit` until a short one", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((req) => {
          const offset = Number(req.param("offset"))
          return json(data.slice(offset, offset + Number(req.param("limit"))))
        })
        const result = yield* pages(Pagination.offset({
          client: client as ProviderHttp.ProviderClient,
          operation: "list",
          limit: 2,
          request: (offset, limit) =>
            HttpClientRequest.get("https://api.test/items").pipe(HttpClientRequest.setUrlParams({ offset, limit })),
          decode: Schema.decodeUnknown(Items)
        }))
        expect(result).toEqual([[1, 2], [3, 4], [5]])
        expect(sent.map((s) => s.param("offset"))).toEqual(["0", "2", "4"])
      }))

    it.effect("POST body: an exact multiple ends with one empty page", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((req) => {
          const { offset, limit } = req.bodyJson() as { offset: number; limit: number }
          return json(data.slice(0, 4).slice(offset, offset + limit))
        })
        const result = yield* pages(Pagination.offset({
          client: client as ProviderHttp.ProviderClient,
          operation: "search",
          limit: 2,
          request: (offset, limit) => HttpClientRequest.post("https://api.test/search").pipe(HttpClientRequest.bodyUnsafeJson({ offset, limit })),
          decode: Schema.decodeUnknown(Items)
        }))
        expect(result).toEqual([[1, 2], [3, 4], []])
        expect(sent.map((s) => s.bodyJson())).toEqual([{ offset: 0, limit: 2 }, { offset: 2, limit: 2 }, { offset: 4, limit: 2 }])
      }))
  })

  describe("page number", () => {
    it.effect("counts pages from 1 until an empty page", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((req) => {
          const page = Number(req.param("page"))
          return json({ items: page <= 2 ? [page] : [], last: false })
        })
        const result = yield* pages(Pagination.pageNumber({
          client: client as ProviderHttp.ProviderClient,
          operation: "list",
          request: (page) => HttpClientRequest.get("https://api.test/items").pipe(HttpClientRequest.setUrlParam("page", String(page))),
          decode: Schema.decodeUnknown(Schema.Struct({ items: Items, last: Schema.Boolean }))
        }))
        expect(result).toEqual([[1], [2], []])
        expect(sent.map((s) => s.param("page"))).toEqual(["1", "2", "3"])
      }))

    it.effect("from firstPage until decode reports the last page", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((req) => {
          const page = Number(req.param("page"))
          return json({ items: [page], last: page === 2 })
        })
        const result = yield* pages(Pagination.pageNumber({
          client: client as ProviderHttp.ProviderClient,
          operation: "list",
          firstPage: 0,
          request: (page) => HttpClientRequest.get("https://api.test/items").pipe(HttpClientRequest.setUrlParam("page", String(page))),
          decode: Schema.decodeUnknown(Schema.Struct({ items: Items, last: Schema.Boolean }))
        }))
        expect(result).toEqual([[0], [1], [2]])
        expect(sent).toHaveLength(3)
      }))
  })

  describe("errors", () => {
    it.effect("a non-2xx page is a ConnectorError with the status, the operation and the body's start", () =>
      Effect.gen(function*() {
        const { client, sent } = mockHttp((_req, i) => (i === 0 ? json([1, 2]) : status(403, {}, '{"error":"forbidden"}')))
        const stream = Pagination.offset({
          client: client as ProviderHttp.ProviderClient,
          operation: "list",
          limit: 2,
          request: (offset) => HttpClientRequest.get("https://api.test/v1/items").pipe(HttpClientRequest.setUrlParam("offset", String(offset))),
          decode: Schema.decodeUnknown(Items)
        })
        const collected: Array<ReadonlyArray<number>> = []
        const error = yield* Effect.flip(Stream.runForEach(stream, (page) => Effect.sync(() => collected.push(page))))
        expect(collected).toEqual([[1, 2]])
        expect(error).toMatchObject({ _tag: "ConnectorError", status: 403, operation: "GET /v1/items" })
        expect(error.message).toBe('GET /v1/items failed (HTTP 403): {"error":"forbidden"}')
        expect(sent).toHaveLength(2)
      }))

    it.effect("a body that does not decode is a ConnectorError saying it is unreadable", () =>
      Effect.gen(function*() {
        const { client } = mockHttp(() => json({ unexpected: true }))
        const error = yield* Effect.flip(pages(Pagination.offset({
          client: client as ProviderHttp.ProviderClient,
          operation: "list items",
          limit: 2,
          request: () => HttpClientRequest.get("https://api.test/items"),
          decode: Schema.decodeUnknown(Items)
        })))
        expect(error).toMatchObject({ _tag: "ConnectorError", operation: "list items" })
        expect(error.message).toContain("unreadable response")
      }))

    it.effect("paginate: a generic state machine with the same loop guard", () =>
      Effect.gen(function*() {
        const states: Array<number> = []
        const result = yield* pages(Pagination.paginate({
          operation: "count",
          initial: 0,
          fetch: (n: number) => Effect.sync(() => {
            states.push(n)
            return { items: [n], next: n < 3 ? Option.some(n + 1) : Option.none<number>() }
          })
        }))
        expect(result).toEqual([[0], [1], [2], [3]])
        const loop = yield* Effect.flip(pages(Pagination.paginate({
          operation: "spin",
          initial: { page: 1 },
          fetch: (s: { page: number }) => Effect.succeed({ items: [s.page], next: Option.some({ page: s.page === 1 ? 2 : 1 }) })
        })))
        expect(loop).toMatchObject({ _tag: "PaginationLoopError", cursor: '{"page":1}' })
      }))
  })
})
