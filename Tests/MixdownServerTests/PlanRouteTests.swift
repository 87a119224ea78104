import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
@testable import MixdownServer
import Testing

/// `POST /v1/plan` (docs/plan.md) and `?strict=true` (docs/strict-delivery.md) through the
/// router, with real speech (espeak-ng) into the service's speech cache.
@Suite struct PlanRouteTests {
    static let spot = #"{"scriptText": "<<sectionName::a>> Hi {{name|friend}}, welcome back. <<sectionName::b>> This line is far too long for the half second it is given here.", "sectionProperties": {"a": {"endAt": 3}, "b": {"endAt": 3.5}}, "audience": {"nmae": "Sam"}}"#

    @Test func planAnswersTheTimelineWithItsWarnings() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let r = try await client.send(.post, "/v1/plan", key: harness.alice, body: Self.spot)
            #expect(r.status == .ok, "\(r.text)")
            let plan = r.object
            #expect(plan["estimated"] as? Bool == false && plan["totalSamples"] as? Int == 168_000)
            let sections = try #require(plan["sections"] as? [[String: Any]])
            #expect(sections.map { $0["endSample"] as? Int } == [144_000, 168_000])
            let b = sections[1]
            #expect((b["slackSamples"] as? Int ?? 0) < 0 && b["slackSamples"] as? Int == (b["spanSamples"] as? Int ?? 0) - (b["contentSamples"] as? Int ?? 0))
            let codes = (plan["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(codes == ["unusedVariable", "sectionOverflow"], "\(r.text)")
            #expect((plan["speech"] as? [String: Int])?["synthesised"] == 2)
            // Estimated: nothing spoken.
            let e = try await client.send(.post, "/v1/plan?estimate=true", key: harness.alice, body: Self.spot)
            #expect(e.status == .ok && e.object["estimated"] as? Bool == true && (e.object["speech"] as? [String: Int])?["clips"] == 0, "\(e.text)")
            // Strict: the first warning is a 422 with its code.
            let s = try await client.send(.post, "/v1/plan?strict=true", key: harness.alice, body: Self.spot)
            #expect(s.status == .unprocessableContent && s.error["code"] == "unusedVariable", "\(s.text)")
            #expect(s.error["message"]?.contains("did you mean 'name'?") == true)
            let bad = try await client.send(.post, "/v1/plan?strict=maybe", key: harness.alice, body: Self.spot)
            #expect(bad.status == .badRequest && bad.error["code"] == "invalidQuery")
            let unknown = try await client.send(.post, "/v1/plan?estimat=true", key: harness.alice, body: Self.spot)
            #expect(unknown.status == .badRequest && unknown.error["path"] == "estimat")
            let noKey = try await client.send(.post, "/v1/plan", body: Self.spot)
            #expect(noKey.status == .unauthorized)
        }
        #expect(try await harness.store.activeCount(key: "alice") == 0, "a plan queues nothing")
    }

    @Test func strictProductionsAndBatchRowsAreRefusedBeforeQueueing() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            let p = try await client.send(.post, "/v1/productions?strict=true", key: harness.alice, body: Self.spot)
            #expect(p.status == .unprocessableContent && p.error["code"] == "unusedVariable", "\(p.text)")
            // A batch row's variable the script never uses: a warning, or with strict a 422 naming the row.
            let batch = #"{"production": {"scriptText": "Hi {{name}}."}, "rows": [{"name": "Sam"}, {"name": "Ana", "citty": "York"}]}"#
            let strict = try await client.send(.post, "/v1/batches?strict=true", key: harness.alice, body: batch)
            #expect(strict.status == .unprocessableContent && strict.error["code"] == "unusedVariable" && strict.error["path"]?.hasPrefix("rows[1]") == true, "\(strict.text)")
            #expect(strict.error["message"]?.contains("variables 'citty'") == true, "\(strict.text)")
            let relaxed = try await client.send(.post, "/v1/batches", key: harness.alice, body: batch)
            #expect(relaxed.status == .accepted, "\(relaxed.text)")
            // The strict production is stored strict: the worker renders it strictly.
            let queued = try await client.send(.post, "/v1/productions?strict=true", key: harness.alice, body: #"{"scriptText": "Hi."}"#)
            #expect(queued.status == .accepted, "\(queued.text)")
            let id = try #require(queued.object["id"] as? String)
            let job = try #require(try await harness.store.job(id: id, key: "alice"))
            #expect(job.spec.contains(#""strict":true"#), "\(job.spec)")
        }
    }
}
