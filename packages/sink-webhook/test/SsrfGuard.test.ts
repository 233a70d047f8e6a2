import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import type { Sink } from "@weft/core/sink"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import type { LookupAddress } from "node:dns"
import { Agent, request } from "undici"
import { SinkWebhook, SsrfGuard } from "../src/index.js"
import { accepts, deliver, destination, sinkLayer, validate, vector } from "./support/fixtures.js"
import * as LoopbackServer from "./support/LoopbackServer.js"
import { answer } from "./support/LoopbackServer.js"

const publicIp = "93.184.215.14"

/** A resolver with fixed answers per host; unknown hosts fail like getaddrinfo. */
const resolver = (answers: Record<string, ReadonlyArray<string>>): SsrfGuard.Resolver => async (host) => {
  const found = answers[host]
  if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" })
  return found.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }))
}

const spec = (url: string, secrets: ReadonlyArray<string> = [vector.secret], options?: Record<string, unknown>) => ({
  url,
  secrets: secrets.map((s) => Redacted.make(s)),
  ...(options === undefined ? {} : { options })
})

const layerWith = (options: SinkWebhook.Options) => sinkLayer({ allowHosts: [], ...options })

const dns = resolver({
  "hooks.example.com": [publicIp, "2606:4700:4700::1111"],
  "intranet.example.com": ["10.1.2.3"],
  "mixed.example.com": [publicIp, "192.168.0.10"],
  "mapped.example.com": ["::ffff:127.0.0.1"],
  "localhost": ["127.0.0.1", "::1"],
  "allowed.test": ["127.0.0.1"],
  "private.test": ["127.0.0.1"]
})

describe("validate", () => {
  const refusals: ReadonlyArray<readonly [string, string, Sink.DestinationError["reason"], string]> = [
    ["not a URL", "hooks.example.com/weft", "invalid_url", "absolute URL"],
    ["another scheme", "ftp://hooks.example.com/weft", "invalid_url", "use an https:// URL"],
    ["plain http", "http://hooks.example.com/weft", "insecure_scheme", "https only"],
    ["a private IP", "https://10.0.0.1/weft", "refused_address", "a private-network address"],
    ["loopback", "https://127.0.0.1:8443/", "refused_address", "a loopback address"],
    ["IPv6 loopback", "https://[::1]/", "refused_address", "a loopback address"],
    ["an IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/", "refused_address", "a loopback address"],
    ["an odd IPv4 spelling", "https://0x7f.1/", "refused_address", "a loopback address"],
    ["the metadata IP", "https://169.254.169.254/latest/meta-data", "refused_address", "cloud metadata"],
    ["the AWS IPv6 metadata IP", "https://[fd00:ec2::254]/", "refused_address", "cloud metadata"],
    ["GCP's metadata name", "https://metadata.google.internal/computeMetadata/v1/", "refused_address", "cloud metadata"],
    ["a trailing-dot metadata name", "https://metadata.google.internal./", "refused_address", "cloud metadata"],
    ["CGNAT", "https://100.64.1.1/", "refused_address", "carrier-grade NAT"],
    ["unspecified", "https://0.0.0.0/", "refused_address", "an unspecified address"],
    ["a name resolving to a private IP", "https://intranet.example.com/", "refused_address", "resolves to 10.1.2.3"],
    ["a name with one private answer among public ones", "https://mixed.example.com/", "refused_address", "192.168.0.10"],
    ["a name resolving to a mapped loopback", "https://mapped.example.com/", "refused_address", "a loopback address"],
    ["localhost", "https://localhost/", "refused_address", "a loopback address"],
    ["an unknown host", "https://nope.example.com/", "unresolvable_host", "ENOTFOUND"]
  ]
  for (const [name, url, reason, detail] of refusals) {
    it.effect(`refuses ${name} (${reason})`, () =>
      Effect.gen(function*() {
        const error = yield* validate(spec(url))
        expect(error._tag).toBe("DestinationError")
        expect(error.reason).toBe(reason)
        expect(error.detail).toContain(detail)
        expect(error.message).toContain(`(${reason})`)
      }).pipe(Effect.provide(layerWith({ resolver: dns }))))
  }

  it.effect("refusals say what to do", () =>
    Effect.gen(function*() {
      const error = yield* validate(spec("https://10.0.0.1/"))
      expect(error.detail).toContain("add the host to allowHosts")
    }).pipe(Effect.provide(layerWith({ resolver: dns }))))

  it.effect("accepts a public https destination", () =>
    Effect.gen(function*() {
      expect(yield* accepts(spec("https://hooks.example.com/weft"))).toBe(true)
      expect(yield* accepts(spec("https://93.184.215.14/weft"))).toBe(true)
    }).pipe(Effect.provide(layerWith({ resolver: dns }))))

  it.effect("allowHosts lets a host (name or IP, any case) through, and allows http for it", () =>
    Effect.gen(function*() {
      for (const url of ["http://127.0.0.1:8080/hook", "https://INTRANET.example.com./", "http://[::1]/x"]) {
        expect(yield* accepts(spec(url)), url).toBe(true)
      }
      // the allow-list is exact: another private host is still refused
      expect((yield* validate(spec("https://10.0.0.2/"))).reason).toBe("refused_address")
    }).pipe(Effect.provide(layerWith({ resolver: dns, allowHosts: ["127.0.0.1", "intranet.example.com", "::1"] }))))

  it.effect("refuses malformed or missing secrets without echoing them", () =>
    Effect.gen(function*() {
      const secret = "whsec_c2hvcnQ="
      const error = yield* validate(spec("https://hooks.example.com/", [vector.secret, secret]))
      expect(error.reason).toBe("invalid_secret")
      expect(error.detail).toContain("secret #2")
      for (const text of [error.message, String(error), JSON.stringify(error)]) {
        expect(text).not.toContain("c2hvcnQ")
        expect(text).not.toContain(vector.secret.slice(6))
      }
      expect((yield* validate(spec("https://hooks.example.com/", []))).reason).toBe("invalid_secret")
      const plain = yield* validate(spec("https://hooks.example.com/", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]))
      expect(plain.message).toContain("must start with \"whsec_\"")
      expect(plain.message).not.toContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    }).pipe(Effect.provide(layerWith({ resolver: dns }))))

  it.effect("refuses URLs with credentials without showing them", () =>
    Effect.gen(function*() {
      const error = yield* validate(spec("https://user:hunter2@hooks.example.com/"))
      expect(error.reason).toBe("invalid_url")
      expect(error.message).not.toContain("hunter2")
    }).pipe(Effect.provide(layerWith({ resolver: dns }))))

  it.effect("refuses malformed destination options", () =>
    Effect.gen(function*() {
      const error = yield* validate(spec("https://hooks.example.com/", [vector.secret], { timeoutMs: -5 }))
      expect(error.reason).toBe("invalid_options")
      expect(error.detail).toContain("invalid destination options")
      expect(error.detail).toContain("timeoutMs")
      const ack = yield* validate(spec("https://hooks.example.com/", [vector.secret], { ack: "201" }))
      expect(ack.detail).toContain("ack")
    }).pipe(Effect.provide(layerWith({ resolver: dns }))))
})

describe("the check before each send", () => {
  it.effect("is reused for the same host for addressCheckTtl, then made again (layerHttpClient)", () =>
    Effect.gen(function*() {
      let calls = 0
      const counting: SsrfGuard.Resolver = async () => {
        calls += 1
        return [{ address: "10.0.0.9", family: 4 }]
      }
      const sink = SinkWebhook.layerHttpClient({ resolver: counting, addressCheckTtl: "30 seconds" }).pipe(
        Layer.provide(NodeHttpClient.layerUndici)
      )
      const target = destination("https://cached.example.com/")
      yield* Effect.gen(function*() {
        const first = yield* deliver(target)
        const second = yield* deliver(target)
        expect([first._tag, second._tag]).toEqual(["Retry", "Retry"])
        expect(calls).toBe(1)
        yield* TestClock.adjust("31 seconds")
        yield* deliver(target)
        expect(calls).toBe(2)
      }).pipe(Effect.provide(sink))
    }))


  it.scoped("a host that now resolves to a private address is not sent to, and is retried", () =>
    Effect.gen(function*() {
      let calls = 0
      const rebinding: SsrfGuard.Resolver = async () => {
        calls += 1
        return [{ address: calls === 1 ? publicIp : "127.0.0.1", family: 4 }]
      }
      const server = yield* LoopbackServer.make(answer(200))
      const sink = SinkWebhook.layer({ resolver: rebinding }).pipe(Layer.provide(NodeHttpClient.layerUndici))
      const outcome = yield* Effect.gen(function*() {
        expect(yield* accepts(spec("https://rebind.example.com/"))).toBe(true)
        return yield* deliver(destination("https://rebind.example.com/"))
      }).pipe(Effect.provide(sink))
      expect(outcome._tag).toBe("Retry")
      if (outcome._tag === "Retry") {
        expect(outcome.reason).toContain("not sent")
        expect(outcome.reason).toContain("resolves to 127.0.0.1, a loopback address")
      }
      expect(calls).toBe(2)
      expect(server.requests).toHaveLength(0)
    }))

  it.effect("an IP literal that is not allowed is never sent to", () =>
    Effect.gen(function*() {
      const outcome = yield* deliver(destination("https://169.254.169.254/latest/meta-data"))
      expect(outcome).toMatchObject({ _tag: "Retry" })
      if (outcome._tag === "Retry") expect(outcome.reason).toContain("cloud metadata")
    }).pipe(Effect.provide(layerWith({ resolver: dns }))))

  it.effect("http to a host that is not allow-listed disables the destination", () =>
    Effect.gen(function*() {
      const outcome = yield* deliver(destination("http://hooks.example.com/"))
      expect(outcome._tag).toBe("Disable")
      if (outcome._tag === "Disable") expect(outcome.reason).toContain("insecure_scheme")
    }).pipe(Effect.provide(layerWith({ resolver: dns }))))
})

describe("SsrfGuard.lookup (connect time)", () => {
  const call = (fn: ReturnType<typeof SsrfGuard.lookup>, host: string, options: object) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: string | ReadonlyArray<LookupAddress> }>((resolve) =>
      fn(host, options, (error, address) => resolve({ error, address }))
    )

  it("answers like dns.lookup, one address or all of them", async () => {
    const fn = SsrfGuard.lookup({ resolver: dns })
    expect(await call(fn, "hooks.example.com", {})).toEqual({ error: null, address: publicIp })
    expect(await call(fn, "hooks.example.com", { family: 6 })).toEqual({ error: null, address: "2606:4700:4700::1111" })
    expect((await call(fn, "hooks.example.com", { all: true })).address).toEqual([
      { address: publicIp, family: 4 },
      { address: "2606:4700:4700::1111", family: 6 }
    ])
  })

  it("refuses non-public answers with a clear error", async () => {
    const fn = SsrfGuard.lookup({ resolver: dns })
    const { error } = await call(fn, "mixed.example.com", { all: true })
    expect(error).toBeInstanceOf(SsrfGuard.RefusedAddressError)
    expect(error?.code).toBe("ERR_WEFT_REFUSED_ADDRESS")
    expect(error?.message).toContain("192.168.0.10")
    expect((await call(fn, "metadata.google.internal", {})).error?.message).toContain("cloud metadata")
    expect((await call(fn, "nope.example.com", {})).error?.code).toBe("ENOTFOUND")
  })

  it("lets allow-listed hosts resolve to anything", async () => {
    const fn = SsrfGuard.lookup({ resolver: dns, allowHosts: ["localhost"] })
    expect(await call(fn, "localhost", {})).toEqual({ error: null, address: "127.0.0.1" })
  })

  it.scopedLive("a real undici request to a host resolving to a private address is refused at connect", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.make(answer(200, {}, "reached"))
      const agent = yield* Effect.acquireRelease(
        Effect.sync(() => new Agent({ connect: { lookup: SsrfGuard.lookup({ resolver: dns, allowHosts: ["allowed.test"] }) } })),
        (a) => Effect.promise(() => a.close())
      )
      const refused = yield* Effect.promise(() =>
        request(`http://private.test:${server.port}/`, { dispatcher: agent }).then(
          () => undefined,
          (error: unknown) => error
        )
      )
      expect(refused).toBeInstanceOf(SsrfGuard.RefusedAddressError)
      expect(String(refused)).toContain("private.test resolves to 127.0.0.1, a loopback address")
      expect(server.requests).toHaveLength(0)
      // the same agent reaches the allow-listed name through the same resolver
      const ok = yield* Effect.promise(() => request(`http://allowed.test:${server.port}/`, { dispatcher: agent }))
      expect(ok.statusCode).toBe(200)
      expect(yield* Effect.promise(() => ok.body.text())).toBe("reached")
      expect(server.requests).toHaveLength(1)
    }))

  it.scopedLive("layerHttpClient over a guarded agent turns a refused connect into a retry", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.make(answer(200))
      const guarded = NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
        Layer.provide(
          Layer.scoped(
            NodeHttpClient.Dispatcher,
            Effect.acquireRelease(
              Effect.sync(() => new Agent({ connect: { lookup: SsrfGuard.lookup({ resolver: dns }) } })),
              (agent) => Effect.promise(() => agent.destroy())
            )
          )
        )
      )
      // The sink's own checks are told to trust the name (e.g. validated while
      // it was public); the connect-time lookup still refuses.
      const sink = SinkWebhook.layerHttpClient({ allowHosts: ["private.test"], resolver: dns }).pipe(Layer.provide(guarded))
      const outcome = yield* deliver(destination(`http://private.test:${server.port}/`)).pipe(Effect.provide(sink))
      expect(outcome._tag).toBe("Retry")
      if (outcome._tag === "Retry") expect(outcome.reason).toContain("Refused to connect: private.test resolves to 127.0.0.1")
      expect(server.requests).toHaveLength(0)
    }))
})

describe("DNS rebinding against the default layer", () => {
  const rebindIp = "93.184.216.34"

  /**
   * Answers a public address the first time (the check in `validate`), then
   * 127.0.0.1. Every answer a socket could act on is loopback: the public one
   * only ever reaches the validation check.
   */
  const rebinding = () => {
    const calls: Array<string> = []
    const resolver: SsrfGuard.Resolver = async (host) => {
      calls.push(host)
      return [{ address: calls.length === 1 ? rebindIp : "127.0.0.1", family: 4 }]
    }
    return { calls, resolver }
  }

  it.scopedLive("a name that is public at validation and 127.0.0.1 at connect gets no connection", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.make(answer(200, {}, "reached"))
      const { calls, resolver } = rebinding()
      // https, because http is only allowed for allow-listed hosts, and those skip the guard. The
      // server speaks plain HTTP, so a TLS attempt would fail; what it must never see is a TCP
      // connection at all.
      const url = `https://rebind.test:${server.port}/hook`
      const outcome = yield* Effect.gen(function*() {
        expect(yield* accepts(spec(url))).toBe(true)
        return yield* deliver(destination(url))
      }).pipe(Effect.provide(SinkWebhook.layer({ resolver, allowHosts: ["hooks.internal.test"] })))
      expect(outcome._tag).toBe("Retry")
      if (outcome._tag === "Retry") {
        expect(outcome.reason).toContain("not sent: Refused to connect")
        expect(outcome.reason).toContain("rebind.test resolves to 127.0.0.1, a loopback address")
      }
      // once for validate, once by the socket that was refused
      expect(calls).toEqual(["rebind.test", "rebind.test"])
      expect(server.connections()).toBe(0)
      expect(server.requests).toHaveLength(0)
    }))

  it.scopedLive("sockets resolve names with the sink's resolver", () =>
    Effect.gen(function*() {
      const server = yield* LoopbackServer.make(answer(204))
      const resolver = (async () => [{ address: "127.0.0.1", family: 4 }]) satisfies SsrfGuard.Resolver
      const sink = SinkWebhook.layer({ resolver, allowHosts: ["only-the-resolver-knows.test"] })
      const outcome = yield* deliver(destination(`http://only-the-resolver-knows.test:${server.port}/hook`)).pipe(
        Effect.provide(sink)
      )
      expect(outcome).toEqual({ _tag: "Acked", status: 204 })
      expect(server.requests[0]!.headers.host).toBe(`only-the-resolver-knows.test:${server.port}`)
    }))
})
