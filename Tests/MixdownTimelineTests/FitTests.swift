import MixdownCore
import PropertyBased
import Testing
@testable import MixdownScript
@testable import MixdownTimeline

/// `overflow` (docs/timeline.md "Overflow"): fit tightens the engine's pauses, then compresses
/// speech up to maxStretch, then cuts at a word boundary; no cut is ever inside a word.
@Suite struct FitTests {
    /// A speech item of `words` words of 200–400 ms with pauses of `pause` samples between
    /// every `every`th word (the engine's sentence pauses) and 20 ms between the others.
    static func speech(words: Int, pause: Int, every: Int = 4, seed: UInt64 = 1) -> PlanInput.Item {
        var rng = SplitMix(seed: seed)
        var spans = [SampleRange](), pauses = [SampleRange]()
        var at = 0
        for w in 0..<words {
            let length = 9_600 + Int(rng.nextBits() % 9_600)
            spans.append(SampleRange(at, at + length))
            at += length
            if w + 1 < words {
                let gap = (w + 1) % every == 0 ? pause : 960
                if gap >= 3_840 { pauses.append(SampleRange(at, at + gap)) }
                at += gap
            }
        }
        var item = PlanInput.Item(.speech(text: "w"), length: at)
        item.words = spans
        item.pauses = pauses
        return item
    }

    static func plan(_ items: [PlanInput.Item], span seconds: Double, overflow: OverflowPolicy, maxStretch: Double? = nil) throws -> TimelinePlan {
        var t = TimelineProperties(); t.overflow = overflow; t.maxStretch = maxStretch
        return try TimelinePlanner.plan(PlanInput(sections: [.init(name: "a", soundSegment: nil, items: items,
                                                                   properties: .init(endAt: seconds, paddingEnd: 0))], timeline: t, template: nil))
    }

    @Test func fitTightensPausesBeforeItCompresses() throws {
        let item = Self.speech(words: 24, pause: 19_200)   // five 400 ms pauses: 1.5 s of slack at a quarter kept
        let content = item.length
        // 15 % too long: the pauses give it all; nothing is compressed or cut.
        let span = Int((Double(content) / 1.15).rounded(.up))
        let plan = try Self.plan([item], span: Double(span) / 48_000, overflow: .fit)
        let placed = plan.sections[0].items[0]
        #expect(placed.stretch == 1 && !placed.truncated)
        #expect(placed.placedLength == span && placed.endSample == span)
        #expect(placed.tightened.reduce(0) { $0 + $1.length } == content - span)
        // Only inside the pauses, each keeping at least a quarter of itself.
        for cut in placed.tightened {
            let pause = try #require(item.pauses.first { $0.startSample <= cut.startSample && cut.endSample <= $0.endSample })
            #expect(pause.length - cut.length >= pause.length / 4)
        }
        #expect(plan.warnings.first?.message.contains("pauses tightened") == true)
        #expect(plan.warnings.first?.message.contains("compressed") == false)
        #expect(plan.sections[0].contentSamples == content && plan.sections[0].spanSamples == span)

        // 30 % too long: pauses, then compression (within maxStretch), still no cut.
        let tighter = try Self.plan([item], span: Double(content) / 1.3 / 48_000, overflow: .fit)
        let squeezed = tighter.sections[0].items[0]
        #expect(squeezed.stretch > 1 && squeezed.stretch <= 1.3 && !squeezed.truncated)
        #expect(squeezed.endSample == tighter.sections[0].endSample)
        // `stretch` compresses without tightening.
        let stretched = try Self.plan([item], span: Double(span) / 48_000, overflow: .stretch).sections[0].items[0]
        #expect(stretched.tightened.isEmpty && stretched.stretch > 1.1)
    }

    @Test func failRefusesAnyOverflow() throws {
        let item = Self.speech(words: 10, pause: 19_200)
        #expect(throws: MixdownError.self) { try Self.plan([item], span: Double(item.length - 1) / 48_000, overflow: .fail) }
        do { _ = try Self.plan([item], span: 1, overflow: .fail) } catch let e as MixdownError {
            #expect(e.code == .sectionOverflow && e.keyPath == "sectionProperties.a")
        }
        // Fitting exactly is no overflow.
        _ = try Self.plan([item], span: Double(item.length) / 48_000 + 0.001, overflow: .fail)
    }

    /// On random flows too long for their span, under every cutting policy: the cut falls on a
    /// word boundary of the item it cuts (its words mapped through the tightening and stretch),
    /// never inside a word, and the content stays inside the span.
    @Test func noCutIsEverInsideAWord() async {
        var cuts = 0
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int.max)) { seed in
            var rng = SplitMix(seed: UInt64(seed))
            func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(rng.nextBits() % UInt64(r.count)) }
            var items = [PlanInput.Item]()
            for k in 0..<int(1...4) {
                if int(0...3) == 0 { items.append(.init(.pause, length: int(0...24_000))) } else {
                    items.append(Self.speech(words: int(1...20), pause: int(0...30_000), every: int(2...6), seed: UInt64(seed) &+ UInt64(k)))
                }
            }
            let content = items.reduce(0) { $0 + $1.length }
            let policy: OverflowPolicy = [.fit, .stretch, .truncate][int(0...2)]
            let span = max(480, Int(Double(content) / (1.05 + Double(int(0...100)) / 100)))
            guard let plan = try? Self.plan(items, span: Double(span) / 48_000, overflow: policy, maxStretch: [nil, 1.0, 1.5][int(0...2)]) else {
                Issue.record("refused \(seed)"); return
            }
            let end = plan.sections[0].endSample
            for placed in plan.sections[0].items {
                #expect(placed.endSample <= end)
                guard placed.truncated, case .speech = placed.kind, let source = items.first(where: { _ in true }) else { continue }
                _ = source
                cuts += 1
                let item = items[placed.id.item]
                let cut = placed.endSample - placed.startSample
                let boundaries = Set(item.words.flatMap { [placed.placedOffset(ofSource: $0.startSample), placed.placedOffset(ofSource: $0.endSample)] })
                #expect(boundaries.contains(cut), "cut at \(cut) is no word boundary (seed \(seed))")
                for w in item.words {
                    let (a, b) = (placed.placedOffset(ofSource: w.startSample), placed.placedOffset(ofSource: w.endSample))
                    #expect(!(a < cut && cut < b), "cut at \(cut) inside a word \(a)..<\(b) (seed \(seed))")
                }
            }
        }
        #expect(cuts > 50, "too few cuts: \(cuts)")
    }

    @Test func effectsAlignToTheirPoint() throws {
        var riser = PlanInput.Item(.effect(name: "riser"), length: 96_000)
        riser.alignEnd = true
        var late = PlanInput.Item(.effect(name: "hit"), length: 4_800)
        late.offset = -9_600
        let items: [PlanInput.Item] = [.init(.pause, length: 144_000), riser, .init(.speech(text: "x"), length: 48_000), late]
        let plan = try TimelinePlanner.plan(PlanInput(sections: [.init(name: "a", soundSegment: nil, items: items)], timeline: .init(), template: nil))
        let placed = plan.sections[0].items
        // The riser's last sample is the sample before its point: it ends where the speech starts.
        #expect(placed[1].endSample == 144_000 && placed[1].startSample == 48_000)
        #expect(placed[2].startSample == 144_000)
        // An offset moves it: 200 ms before the end of the speech.
        #expect(placed[3].startSample == 192_000 - 9_600)
        // Never before the programme's start.
        var early = PlanInput.Item(.effect(name: "riser"), length: 96_000)
        early.alignEnd = true
        let clamped = try TimelinePlanner.plan(PlanInput(sections: [.init(name: "a", soundSegment: nil, items: [early, .init(.speech(text: "x"), length: 48_000)])],
                                                         timeline: .init(), template: nil))
        #expect(clamped.sections[0].items[0].startSample == 0)
    }
}
