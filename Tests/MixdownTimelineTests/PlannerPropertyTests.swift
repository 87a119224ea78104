import MixdownCore
import PropertyBased
import Testing
@testable import MixdownScript
@testable import MixdownTimeline

/// The timing rules of docs/timeline.md, checked over random productions.
@Suite struct PlannerPropertyTests {
    static let rate = 48_000

    struct Generated: CustomStringConvertible {
        var input: PlanInput
        var description: String {
            input.sections.map { s in "\(s.name)[\(s.items.map { "\($0.length)" }.joined(separator: ","))] endAt=\(s.properties.endAt.map { "\($0)" } ?? "-") \(s.properties.justify?.rawValue ?? "")" }
                .joined(separator: " | ") + " force=\(input.timeline.forceLength.map { "\($0)" } ?? "-") overflow=\(input.timeline.overflow)"
        }
    }

    /// A production from a seed: 1–5 sections of 1–4 items (speech, breaks, media, effects) of
    /// random lengths, endAt on some sections (sometimes too tight), random justify, paddings,
    /// forceLength, template and overflow policy.
    static func production(seed: UInt64, overflow: OverflowPolicy? = nil) -> Generated {
        var rng = SplitMix(seed: seed)
        func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(rng.nextBits() % UInt64(r.count)) }
        func chance(_ p: Double) -> Bool { rng.next() < p }
        var sections = [PlanInput.Section]()
        var nominal = 0.0, lastEndAt = 0.0
        for s in 0..<int(1...5) {
            var items = [PlanInput.Item]()
            for _ in 0..<int(1...4) {
                switch int(0...5) {
                case 0, 1, 2: items.append(.init(.speech(text: "t"), length: int(4_800...200_000)))
                case 3: items.append(.init(.pause, length: int(0...48_000)))
                case 4: items.append(.init(.media(name: "m"), length: int(1...96_000)))
                default: items.append(.init(.effect(name: "fx"), length: int(1...96_000)))
                }
            }
            let content = Double(items.filter(\.takesTime).reduce(0) { $0 + $1.length }) / Double(rate)
            nominal += content + 0.3 + (s == 0 ? 0.5 : 0)
            var properties = SectionProperties()
            if chance(0.6) {
                // Sometimes generous, sometimes too tight; endAt strictly increasing.
                nominal *= [0.8, 1.0, 1.1, 1.5][int(0...3)]
                properties.endAt = max(lastEndAt + 0.1, (nominal * 1_000).rounded() / 1_000 + Double(s) * 0.001)
                nominal = properties.endAt!
                lastEndAt = nominal
            }
            properties.justify = [nil, .flexStart, .centre, .flexEnd][int(0...3)]
            if chance(0.3) { properties.paddingStart = Double(int(0...500)) / 1_000 }
            if chance(0.3) { properties.paddingEnd = Double(int(0...500)) / 1_000 }
            sections.append(.init(name: "s\(s)", soundSegment: chance(0.3) ? .named("main") : nil, items: items, properties: properties))
        }
        var timeline = TimelineProperties()
        if chance(0.6) { timeline.forceLength = (nominal + Double(int(0...3_000)) / 1_000).rounded(toPlaces: 3) }
        if let f = timeline.forceLength, let lastEndAt = sections.compactMap(\.properties.endAt).last, lastEndAt > f {
            timeline.forceLength = lastEndAt
        }
        timeline.overflow = overflow ?? [.stretch, .truncate][int(0...1)]
        let template = chance(0.5) ? PlanInput.Template(segments: ["intro", "main", "outro"], defaultSegment: "main", outroLength: int(48_000...400_000)) : nil
        return Generated(input: PlanInput(sections: sections, timeline: timeline, template: template))
    }

    func samples(_ s: Double) -> Int { SampleTime.samples(seconds: s, rate: Self.rate) }

    @Test func timingRulesHoldForRandomProductions() async {
        var planned = 0
        await propertyCheck(count: 2_000, input: Gen.int(in: 0...Int.max)) { seed in
            let generated = Self.production(seed: UInt64(seed))
            let input = generated.input
            let plan: TimelinePlan
            do { plan = try TimelinePlanner.plan(input) } catch let e as MixdownError {
                // The only refusal for these inputs: content before a fixed end that cannot fit.
                #expect(e.message.contains("would start at"), "\(e.message) for \(generated)")
                return
            } catch { Issue.record("\(error)"); return }
            planned += 1
            let sections = plan.sections
            // Contiguous, from 0, covering the file together with the tail.
            #expect(sections.first?.startSample == 0)
            for (a, b) in zip(sections, sections.dropFirst()) { #expect(a.endSample == b.startSample) }
            let lastEnd = sections.last!.endSample
            if let tail = plan.tail { #expect(tail.startSample == lastEnd && tail.endSample == plan.totalSamples) } else { #expect(lastEnd == plan.totalSamples) }
            // forceLength fixes the total; every endAt lands exactly.
            if let f = input.timeline.forceLength { #expect(plan.totalSamples == samples(f), "\(generated)") }
            for (s, section) in input.sections.enumerated() {
                if let endAt = section.properties.endAt { #expect(sections[s].endSample == samples(endAt), "\(generated)") }
            }
            for (s, section) in input.sections.enumerated() {
                let p = sections[s]
                let isFirst = s == 0
                let templatePlays = input.template != nil
                let padStart = section.properties.paddingStart.map(samples) ?? (isFirst && templatePlays ? 24_000 : 0)
                let padEnd = section.properties.paddingEnd.map(samples) ?? 14_400
                let flow = p.items.filter { if case .effect = $0.kind { return false }; return true }
                let content = section.items.filter(\.takesTime).reduce(0) { $0 + $1.length }
                let fixed = section.properties.endAt != nil || (s == input.sections.count - 1 && input.timeline.forceLength != nil)
                let overflowWarned = plan.warnings.contains { $0.section == section.name && $0.code == .sectionOverflow }
                // Items in order, back to back, never overlapping.
                for (a, b) in zip(flow, flow.dropFirst()) { #expect(a.endSample == b.startSample) }
                for item in p.items {
                    #expect(item.startSample <= item.endSample)
                    #expect(item.stretch >= 1 && item.stretch <= TimelinePlanner.maximumStretch + 1e-9)
                }
                guard fixed, padStart + padEnd <= p.endSample - p.startSample else { continue }
                let low = p.startSample + padStart, high = p.endSample - padEnd
                // A warning exactly when the content does not fit the padded span.
                #expect(overflowWarned == (content > high - low), "\(generated)")
                for item in flow { #expect(item.startSample >= low && item.endSample <= high, "\(generated)") }
                if !overflowWarned, let first = flow.first, let last = flow.last {
                    switch section.properties.justify ?? .flexStart {
                    case .flexStart: #expect(first.startSample == low)
                    case .flexEnd: #expect(last.endSample == high)
                    case .centre: #expect(first.startSample - low == (high - low - content) / 2)
                    }
                } else if overflowWarned, input.timeline.overflow == .stretch {
                    let broken = Self.stretchViolations(flow, source: section.items, low: low, high: high)
                    #expect(broken.isEmpty, "\(broken) for \(generated)")
                }
            }
        }
        #expect(planned > 150, "too few productions planned: \(planned)")
    }

    /// docs/timeline.md, overflow `stretch`, for a section whose content overflows its padded
    /// span `low..<high`: speech may be compressed by at most `TimelinePlanner.maximumStretch`
    /// (each speech item keeps at least ⌈length / 1.3⌉ samples); breaks and media keep their
    /// length. When the speech compressed to 1.3x plus the rest fits, the flow ends exactly at
    /// `high` with nothing cut and every item's `stretch` = source / placed length. When even
    /// 1.3x is not enough, every speech item is at its 1.3x length, the flow still starts at
    /// `low` and is cut at `high`: the item across `high` is truncated there (or one ends on it
    /// exactly) and nothing after it plays. Returns what is broken (empty when the rule holds).
    static func stretchViolations(_ flow: [PlannedItem], source: [PlanInput.Item], low: Int, high: Int) -> [String] {
        var broken = [String]()
        func isSpeech(_ kind: PlanInput.Item.Kind) -> Bool { if case .speech = kind { return true }; return false }
        let timed = source.filter(\.takesTime)
        let minimum = timed.map { isSpeech($0.kind) ? Int((Double($0.length) / TimelinePlanner.maximumStretch).rounded(.up)) : $0.length }
        let speechTotal = timed.filter { isSpeech($0.kind) }.reduce(0) { $0 + $1.length }
        let fits = speechTotal > 0 && minimum.reduce(0, +) <= high - low
        // A span with no room between its paddings plays nothing (an item of 0 samples is not placed).
        guard let first = flow.first, let last = flow.last else { return high == low ? [] : ["no items placed"] }
        if first.startSample != low { broken.append("starts at \(first.startSample), not \(low)") }
        if last.endSample != high { broken.append("ends at \(last.endSample), not exactly at \(high) (fits at 1.3x: \(fits))") }
        for (i, (item, source)) in zip(flow, timed).enumerated() {
            if item.sourceLength != source.length { broken.append("\(item.id) placed from \(item.sourceLength) samples, not \(source.length)") }
            let uncut = item.placedLength
            if isSpeech(item.kind) {
                if uncut < minimum[i] { broken.append("\(item.id) compressed beyond 1.3x: \(item.sourceLength) → \(uncut)") }
                if !fits, uncut != Int((Double(item.sourceLength) / TimelinePlanner.maximumStretch).rounded(.up)) {
                    broken.append("\(item.id) placed at \(uncut), not its 1.3x length, though even 1.3x does not fit")
                }
                if uncut > item.sourceLength { broken.append("\(item.id) lengthened") }
                if uncut != item.sourceLength, abs(item.stretch - Double(item.sourceLength) / Double(uncut)) > 1e-12 {
                    broken.append("\(item.id) stretch \(item.stretch) is not \(item.sourceLength)/\(uncut)")
                }
            } else if uncut != item.sourceLength {
                broken.append("\(item.id) (not speech) placed at \(uncut) of \(item.sourceLength)")
            }
        }
        if fits {
            if flow.contains(where: \.truncated) { broken.append("cut although the speech fits at 1.3x or less") }
            if flow.count != timed.count { broken.append("\(timed.count - flow.count) items dropped although they fit") }
        } else {
            // Cut at high: every item but the last whole; the last truncated at high or ending on it.
            for item in flow.dropLast() where item.truncated || item.endSample - item.startSample != item.placedLength {
                broken.append("\(item.id) cut before the span's end")
            }
            if last.truncated != (last.endSample - last.startSample < last.placedLength) { broken.append("the last item's truncated flag is wrong") }
            let placedThrough = flow.reduce(low) { $0 + $1.placedLength }
            if placedThrough < high { broken.append("the flow stops short at \(placedThrough) without a cut") }
        }
        return broken
    }

    /// The check above on a plan that breaks the rule each way it can: it must fail there.
    @Test func theStretchCheckCatchesABrokenPlan() throws {
        func plan(speech: Int) throws -> (TimelinePlan, [PlanInput.Item]) {
            var t = TimelineProperties(); t.overflow = .stretch; t.forceLength = 4
            let items: [PlanInput.Item] = [.init(.speech(text: "x"), length: speech), .init(.pause, length: 24_000), .init(.speech(text: "y"), length: speech)]
            return (try TimelinePlanner.plan(PlanInput(sections: [.init(name: "a", soundSegment: nil, items: items, properties: .init(paddingEnd: 0))],
                                                       timeline: t, template: nil)), items)
        }
        for speech in [100_000, 200_000] {
            let (good, items) = try plan(speech: speech)
            let flow = good.sections[0].items
            #expect(Self.stretchViolations(flow, source: items, low: 0, high: 192_000).isEmpty, "\(speech)")
            // Ends one sample short of the boundary.
            var short = flow
            short[2].endSample -= 1
            #expect(!Self.stretchViolations(short, source: items, low: 0, high: 192_000).isEmpty)
            // Compressed further than 1.3x (and so fits).
            var squeezed = flow
            squeezed[0].placedLength = Int(Double(speech) / 1.4)
            squeezed[0].stretch = Double(speech) / Double(squeezed[0].placedLength)
            #expect(!Self.stretchViolations(squeezed, source: items, low: 0, high: 192_000).isEmpty)
        }
        // Not stretched at all but cut (what truncate does) where 1.19x would have fitted.
        let (_, items) = try plan(speech: 100_000)
        var t = TimelineProperties(); t.overflow = .truncate; t.forceLength = 4
        let cut = try TimelinePlanner.plan(PlanInput(sections: [.init(name: "a", soundSegment: nil, items: items, properties: .init(paddingEnd: 0))],
                                                     timeline: t, template: nil))
        #expect(!Self.stretchViolations(cut.sections[0].items, source: items, low: 0, high: 192_000).isEmpty)
    }

    @Test func extendLetsTheSpanGrowAndWarns() throws {
        let input = PlanInput(sections: [
            .init(name: "a", soundSegment: nil, items: [.init(.speech(text: "x"), length: 240_000)], properties: .init(endAt: 2, paddingEnd: 0)),
            .init(name: "b", soundSegment: nil, items: [.init(.speech(text: "y"), length: 48_000)], properties: .init(endAt: 8)),
        ], timeline: { var t = TimelineProperties(); t.overflow = .extend; return t }(), template: nil)
        let plan = try TimelinePlanner.plan(input)
        #expect(plan.sections[0].endSample == 240_000)   // grew from 96,000
        #expect(plan.sections[1].endSample == 384_000)   // later fixed boundaries still hold
        #expect(plan.warnings.map(\.code) == [.sectionOverflow])
        #expect(plan.warnings[0].overflowMs == 3_000)
    }

    @Test func stretchCompressesSpeechExactlyAndTruncateCuts() throws {
        func plan(_ overflow: OverflowPolicy, speech: Int) throws -> TimelinePlan {
            var t = TimelineProperties(); t.overflow = overflow; t.forceLength = 4
            return try TimelinePlanner.plan(PlanInput(sections: [
                .init(name: "a", soundSegment: nil, items: [.init(.speech(text: "x"), length: speech), .init(.pause, length: 24_000),
                                                          .init(.speech(text: "y"), length: speech)], properties: .init(paddingEnd: 0)),
            ], timeline: t, template: nil))
        }
        // 2 × 100,000 + 24,000 into 192,000: speech 168,000 of 200,000 → 1.190x.
        let stretched = try plan(.stretch, speech: 100_000)
        let items = stretched.sections[0].items
        #expect(items.map(\.placedLength) == [84_000, 24_000, 84_000])
        #expect(items.last!.endSample == 192_000)
        #expect(abs(items[0].stretch - 100_000.0 / 84_000) < 1e-12)
        // Beyond 1.3x: compressed by 1.3 and cut at the boundary.
        let tooLong = try plan(.stretch, speech: 200_000)
        #expect(tooLong.sections[0].items.last!.endSample == 192_000 && tooLong.sections[0].items.last!.truncated)
        #expect(tooLong.sections[0].items[0].placedLength == 153_847)   // ⌈200,000 / 1.3⌉
        let cut = try plan(.truncate, speech: 100_000)
        #expect(cut.sections[0].items.map(\.endSample) == [100_000, 124_000, 192_000])
        #expect(cut.sections[0].items[2].truncated)
        #expect(cut.warnings[0].overflowMs == 32_000.0 * 1_000 / 48_000)
    }

    @Test func tailAndOutro() throws {
        var t = TimelineProperties(); t.forceLength = 30
        let plan = try TimelinePlanner.plan(PlanInput(sections: [
            .init(name: "a", soundSegment: .named("intro"), items: [.init(.speech(text: "x"), length: 96_000)], properties: .init(endAt: 8)),
            .init(name: "b", soundSegment: .named("main"), items: [.init(.speech(text: "y"), length: 96_000)], properties: .init(endAt: 27)),
        ], timeline: t, template: .init(segments: ["intro", "main", "outro"], defaultSegment: "main", outroLength: 384_000)))
        #expect(plan.tail == SampleRange(1_296_000, 1_440_000))
        #expect(plan.music == [
            MusicRegion(segment: "intro", startSample: 0, endSample: 384_000, fadeOut: 0),
            MusicRegion(segment: "main", startSample: 384_000, endSample: 1_056_000, fadeOut: 0),
            MusicRegion(segment: "outro", startSample: 1_056_000, endSample: 1_440_000, fadeOut: 0),
        ])
        // Default paddings: speechStart 0.5 s under a template, sectionGap 0.3 s.
        #expect(plan.sections[0].items[0].startSample == 24_000)
        // Without an outro the bed fades over timelineProperties.fadeOut (1 s).
        let faded = try TimelinePlanner.plan(PlanInput(sections: [.init(name: "a", soundSegment: nil, items: [.init(.pause, length: 48_000)])],
                                                       timeline: TimelineProperties(), template: .init(segments: ["main"], defaultSegment: "main", outroLength: nil)))
        #expect(faded.totalSamples == 24_000 + 48_000 + 14_400 + 72_000)   // speechStart + content + gap + soundTail 1.5 s
        #expect(faded.music.last?.fadeOut == 48_000)
    }

    /// With a tempo, segment changes land on a beat of the segment playing: `main` starts on
    /// the first beat of `intro` at or after its section's start, and the outro on the last beat
    /// of `main` that leaves it its whole length (it then rings out before the end).
    @Test func segmentChangesLandOnTheBeat() throws {
        var t = TimelineProperties(); t.forceLength = 30
        let beat = 28_800   // 100 bpm
        let plan = try TimelinePlanner.plan(PlanInput(sections: [
            .init(name: "a", soundSegment: .named("intro"), items: [.init(.speech(text: "x"), length: 96_000)], properties: .init(endAt: 8.1)),
            .init(name: "b", soundSegment: .named("main"), items: [.init(.speech(text: "y"), length: 96_000)], properties: .init(endAt: 27)),
        ], timeline: t, template: .init(segments: ["intro", "main", "outro"], defaultSegment: "main", outroLength: 400_000, beatLength: beat)))
        #expect(plan.sections[1].startSample == 388_800)
        // 388,800 is 13.5 beats into intro: main starts on beat 14.
        #expect(plan.music[0] == MusicRegion(segment: "intro", startSample: 0, endSample: 14 * beat, fadeOut: 0))
        #expect(plan.music[1].segment == "main" && plan.music[1].startSample == 14 * beat)
        // The outro would start at 1,040,000, 22.1 beats into main: it starts on beat 22.
        #expect(plan.music[1].endSample == 14 * beat + 22 * beat)
        #expect(plan.music[2] == MusicRegion(segment: "outro", startSample: 36 * beat, endSample: 1_440_000, fadeOut: 0))
        #expect(plan.totalSamples == 1_440_000)
    }

    @Test("refusals", arguments: [
        (PlanInput(sections: [.init(name: "a", soundSegment: nil, items: [.init(.pause, length: 480)], properties: .init(endAt: 5)),
                              .init(name: "b", soundSegment: nil, items: [.init(.pause, length: 480)], properties: .init(endAt: 4))],
                   timeline: TimelineProperties(), template: nil),
         "sectionProperties.b.endAt: 4.000 s is not after the end of 'a' at 5.000 s"),
        (PlanInput(sections: [.init(name: "a", soundSegment: nil, items: [.init(.pause, length: 480)], properties: .init(endAt: 32))],
                   timeline: { var t = TimelineProperties(); t.forceLength = 30; return t }(), template: nil),
         "sectionProperties.a.endAt: 32.000 s is beyond forceLength 30.000 s"),
        (PlanInput(sections: [.init(name: "a", soundSegment: nil, items: [.init(.pause, length: 480_000)]),
                              .init(name: "b", soundSegment: nil, items: [.init(.pause, length: 480)], properties: .init(endAt: 4))],
                   timeline: TimelineProperties(), template: nil),
         "section 'b' would start at 10.300 s, after the sections before it, but must end at 4.000 s (its endAt or forceLength): shorten the earlier sections or move this endAt"),
    ])
    func refusals(input: PlanInput, message: String) {
        #expect(throws: MixdownError.badInput(message)) { try TimelinePlanner.plan(input) }
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension PlannerPropertyTests {
    /// Found by the random check (CI, seed 1827309807135536336): a section whose paddings take
    /// its whole span, holding a break and two effects. Nothing is placed, and the warning
    /// says where the cut is without calling it a word boundary.
    @Test func aSpanWithNoRoomPlaysNothing() throws {
        let input = Self.production(seed: 1_827_309_807_135_536_336).input
        let plan = try TimelinePlanner.plan(input)
        #expect(plan.sections[0].endSample == 47_760)
        #expect(plan.sections[0].items.isEmpty)
        let warning = try #require(plan.warnings.first { $0.section == "s0" })
        #expect(warning.message == "section 's0' is 105 ms too long for its span: cut at 0.500 s")
        #expect(plan.sections[1].items.map(\.startSample) == [47_760])
    }
}
