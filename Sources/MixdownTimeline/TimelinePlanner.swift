import MixdownCore
import MixdownScript

/// The timing rules of docs/timeline.md as a pure function: no audio, no I/O, integer samples.
/// Seconds become samples exactly once (`round(t × 48000)`, half away from zero); everything
/// after that is integer arithmetic, so boundaries never drift.
public enum TimelinePlanner {
    /// The most speech may be time-compressed to fit (`overflow: stretch`).
    public static let maximumStretch = 1.3
    static let defaultSectionGap = 0.3
    static let defaultSpeechStart = 0.5
    static let defaultSoundTail = 1.5
    static let defaultFadeOut = 1.0

    public static func plan(_ input: PlanInput) throws -> TimelinePlan {
        let rate = SampleTime.renderRate
        func samples(_ seconds: Double) -> Int { SampleTime.samples(seconds: seconds, rate: rate) }
        func seconds(_ s: Int) -> String { String(format: "%.3f s", Double(s) / Double(rate)) }

        let (segments, restarts) = resolveSegments(input)
        let templatePlays = segments.contains { $0 != nil }
        let timeline = input.timeline
        let forceTotal = timeline.forceLength.map(samples)
        let gap = samples(timeline.sectionGap ?? defaultSectionGap)
        let speechStart = samples(timeline.speechStart ?? (templatePlays ? defaultSpeechStart : 0))

        try checkFixedEnds(input)

        var planned = [PlannedSection]()
        var warnings = [PlanWarning]()
        var cursor = 0
        for (i, section) in input.sections.enumerated() {
            let isLast = i == input.sections.count - 1
            let start = cursor
            var padStart = section.properties.paddingStart.map(samples) ?? (i == 0 ? speechStart : 0)
            var padEnd = section.properties.paddingEnd.map(samples) ?? gap
            let content = section.items.filter(\.takesTime).reduce(0) { $0 + $1.length }
            let fixedEnd = section.properties.endAt.map(samples) ?? (isLast ? forceTotal : nil)

            var end: Int
            var layout: [PlannedItem]
            if let fixedEnd {
                guard fixedEnd > start else {
                    throw MixdownError.badInput("section '\(section.name)' would start at \(seconds(start)), after the sections before it, but must end at \(seconds(fixedEnd)) (its endAt or forceLength): shorten the earlier sections or move this endAt", code: .invalidTiming)
                }
                // Paddings that do not fit the fixed span shrink, end padding first.
                let span = fixedEnd - start
                if padStart + padEnd > span {
                    padEnd = max(0, span - padStart)
                    padStart = min(padStart, span)
                }
                let low = start + padStart, high = fixedEnd - padEnd
                let available = high - low
                if content <= available {
                    let justify = section.properties.justify ?? .flexStart
                    let spare = available - content
                    let offset = justify == .flexStart ? 0 : justify == .flexEnd ? spare : spare / 2
                    layout = place(section.items, section: i, from: low + offset, speechLengths: nil, cut: nil)
                    end = fixedEnd
                } else {
                    let overflow = content - available
                    let overflowMs = Double(overflow) * 1_000 / Double(rate)
                    switch timeline.overflow {
                    case .fail:
                        throw MixdownError(.badInput, "section '\(section.name)' is \(Int(overflowMs.rounded())) ms too long for its span (overflow: fail)",
                                           code: .sectionOverflow, keyPath: "sectionProperties.\(section.name)")
                    case .stretch, .fit:
                        let (lengths, fits) = compressedSpeech(section.items, available: available)
                        layout = place(section.items, section: i, from: low, speechLengths: lengths, cut: fits ? nil : high)
                        let how = fits ? String(format: "speech compressed %.3fx", Double(speechTotal(section.items)) / Double(max(1, lengths.values.reduce(0, +))))
                                       : "speech compressed 1.3x (the most allowed) and the rest cut"
                        warnings.append(PlanWarning(code: .sectionOverflow, section: section.name, overflowMs: overflowMs,
                                                    message: "section '\(section.name)' is \(Int(overflowMs.rounded())) ms too long for its span: \(how)"))
                        end = fixedEnd
                    case .truncate:
                        layout = place(section.items, section: i, from: low, speechLengths: nil, cut: high)
                        warnings.append(PlanWarning(code: .sectionOverflow, section: section.name, overflowMs: overflowMs,
                                                    message: "section '\(section.name)' is \(Int(overflowMs.rounded())) ms too long for its span: cut with a fade"))
                        end = fixedEnd
                    case .extend:
                        layout = place(section.items, section: i, from: low, speechLengths: nil, cut: nil)
                        end = low + content + padEnd
                        warnings.append(PlanWarning(code: .sectionOverflow, section: section.name, overflowMs: overflowMs,
                                                    message: "section '\(section.name)' is \(Int(overflowMs.rounded())) ms too long for its span: extended to \(seconds(end))"))
                    }
                }
            } else {
                layout = place(section.items, section: i, from: start + padStart, speechLengths: nil, cut: nil)
                end = start + padStart + content + padEnd
            }
            planned.append(PlannedSection(name: section.name, soundSegment: segments[i], startSample: start, endSample: end,
                                          items: layout, fadeIn: samples(section.properties.fadeIn ?? 0),
                                          fadeOut: samples(section.properties.fadeOut ?? 0)))
            cursor = end
        }

        // The file's end: forceLength, or the last section plus the sound tail.
        let total: Int
        if let f = forceTotal {
            total = max(f, cursor)
        } else {
            total = cursor + samples(timeline.soundTail ?? (templatePlays ? defaultSoundTail : 0))
        }
        let tail = total > cursor ? SampleRange(cursor, total) : nil
        // Effects ring on past their section but never past the file.
        for s in planned.indices {
            for j in planned[s].items.indices where planned[s].items[j].endSample > total {
                planned[s].items[j].endSample = total
                planned[s].items[j].truncated = true
            }
        }
        let music = musicRegions(planned, restarts: restarts, total: total, template: input.template,
                                 fadeOut: samples(timeline.fadeOut ?? defaultFadeOut))
        return TimelinePlan(totalSamples: total, sections: planned, tail: tail, music: music, warnings: warnings)
    }

    /// endAt must rise section by section and stay within forceLength. Needs no lengths, so it
    /// runs before any speech is synthesised.
    public static func checkFixedEnds(_ input: PlanInput) throws {
        let rate = SampleTime.renderRate
        func samples(_ seconds: Double) -> Int { SampleTime.samples(seconds: seconds, rate: rate) }
        func seconds(_ s: Int) -> String { String(format: "%.3f s", Double(s) / Double(rate)) }
        let forceTotal = input.timeline.forceLength.map(samples)
        var previousEndAt: (name: String, at: Int)?
        for section in input.sections {
            guard let endAt = section.properties.endAt else { continue }
            let end = samples(endAt)
            if let p = previousEndAt, end <= p.at {
                throw MixdownError(.badInput, "\(seconds(end)) is not after the end of '\(p.name)' at \(seconds(p.at))", code: .invalidTiming,
                                   keyPath: "sectionProperties.\(section.name).endAt")
            }
            if let f = forceTotal, end > f {
                throw MixdownError(.badInput, "\(seconds(end)) is beyond forceLength \(seconds(f))", code: .invalidTiming,
                                   keyPath: "sectionProperties.\(section.name).endAt")
            }
            previousEndAt = (section.name, end)
        }
    }

    /// Lays the flow out from `start`: each item after the one before, effects at the point
    /// where they appear without taking time. `speechLengths` replaces speech items' lengths
    /// (compression); `cut` ends the flow there, cutting the item across it.
    static func place(_ items: [PlanInput.Item], section: Int, from start: Int, speechLengths: [Int: Int]?, cut: Int?) -> [PlannedItem] {
        var out = [PlannedItem]()
        var position = start
        for (index, item) in items.enumerated() {
            let placedLength = speechLengths?[index] ?? item.length
            var itemEnd = position + (item.takesTime ? placedLength : item.length)
            var truncated = false
            if let cut, item.takesTime {
                if position >= cut { continue }   // entirely beyond the span: not played
                if itemEnd > cut { itemEnd = cut; truncated = true }
            }
            let stretch = placedLength > 0 && placedLength != item.length ? Double(item.length) / Double(placedLength) : 1
            out.append(PlannedItem(kind: item.kind, id: item.id ?? ItemID(section: section, item: index), startSample: position, endSample: itemEnd,
                                   sourceLength: item.length, placedLength: placedLength, stretch: stretch, truncated: truncated))
            if item.takesTime { position = itemEnd }
        }
        return out
    }

    static func speechTotal(_ items: [PlanInput.Item]) -> Int { items.filter(\.isSpeech).reduce(0) { $0 + $1.length } }

    /// New speech lengths that make the flow fit `available`, compressing every speech item by
    /// (nearly) the same factor and none by more than 1.3x: each keeps at least ⌈length / 1.3⌉,
    /// and the shares are apportioned so their sum is exact. `fits` is false when even 1.3x is
    /// not enough; then every item is at its 1.3x length and the flow is cut.
    static func compressedSpeech(_ items: [PlanInput.Item], available: Int) -> (lengths: [Int: Int], fits: Bool) {
        let speech = speechTotal(items)
        let other = items.filter { $0.takesTime && !$0.isSpeech }.reduce(0) { $0 + $1.length }
        let room = available - other
        var minimum = [Int: Int]()
        for (index, item) in items.enumerated() where item.isSpeech {
            minimum[index] = Int((Double(item.length) / maximumStretch).rounded(.up))
        }
        guard speech > 0, room >= minimum.values.reduce(0, +) else { return (minimum, false) }
        // Proportional shares, floored, never below the minimum.
        var lengths = [Int: Int]()
        var remainders = [(index: Int, remainder: Int)]()
        for (index, item) in items.enumerated() where item.isSpeech {
            let exact = item.length * room
            lengths[index] = max(minimum[index]!, exact / speech)
            remainders.append((index, exact % speech))
        }
        var excess = lengths.values.reduce(0, +) - room
        // Too long (minimums raised some shares): take back from those above their minimum.
        for index in lengths.keys.sorted(by: { a, b in
            // Most room above the minimum first; ties by position (a strict weak ordering).
            let (ra, rb) = (lengths[a]! - minimum[a]!, lengths[b]! - minimum[b]!)
            return ra != rb ? ra > rb : a < b
        }) where excess > 0 {
            let take = min(excess, lengths[index]! - minimum[index]!)
            lengths[index]! -= take
            excess -= take
        }
        // Too short (flooring): hand out the remaining samples by largest remainder.
        for r in remainders.sorted(by: { $0.remainder > $1.remainder || ($0.remainder == $1.remainder && $0.index < $1.index) })
            where excess < 0 {
            lengths[r.index]! += 1
            excess += 1
        }
        return (lengths, true)
    }

    /// The segment under each section, and whether it starts afresh there: a named segment
    /// restarts (even the one already playing), `none` stops, `*` or nothing continues the
    /// previous one. The first section without one plays the default segment.
    static func resolveSegments(_ input: PlanInput) -> (segments: [String?], restarts: [Bool]) {
        guard let template = input.template else { return (input.sections.map { _ in nil }, input.sections.map { _ in false }) }
        var segments = [String?](), restarts = [Bool]()
        var previous: String? = template.defaultSegment
        for (i, section) in input.sections.enumerated() {
            var restart = i == 0
            switch section.soundSegment {
            case .some(.named(let s)): previous = s; restart = true
            case .some(.none): previous = nil
            case .some(.continuePrevious), nil: break
            }
            segments.append(previous)
            restarts.append(restart)
        }
        return (segments, restarts)
    }

    /// Regions of the music bus: a region runs while the segment continues, restarts where a
    /// section names a segment, stops under `none`. The last runs through the tail, and the
    /// programme ends with the template's outro (its ring ending at the last sample) or a fade.
    ///
    /// With a tempo, a change from one segment to the next lands on a beat of the one playing:
    /// the new segment starts (on its own downbeat) at the first beat at or after its section's
    /// start, less than a beat later, when the section is long enough; and the outro starts on
    /// the last beat that leaves it its whole length, so it rings out less than a beat before
    /// the end. Otherwise the change is where the plan puts it, crossfaded.
    static func musicRegions(_ sections: [PlannedSection], restarts: [Bool], total: Int, template: PlanInput.Template?,
                             fadeOut: Int) -> [MusicRegion] {
        guard template != nil else { return [] }
        var regions = [MusicRegion]()
        var open: (segment: String, start: Int)?
        func close(at end: Int) {
            if let o = open, end > o.start { regions.append(MusicRegion(segment: o.segment, startSample: o.start, endSample: end, fadeOut: 0)) }
            open = nil
        }
        /// The running region's first beat at or after `at`, when it comes before `limit`.
        func nextBeat(_ at: Int, limit: Int) -> Int {
            guard let beat = template?.beatLength, beat > 0, let o = open, at > o.start else { return at }
            let snapped = o.start + (at - o.start + beat - 1) / beat * beat
            return snapped < limit ? snapped : at
        }
        var previous: String?
        for (i, section) in sections.enumerated() {
            if restarts[i] || section.soundSegment != previous {
                let at = section.soundSegment == nil ? section.startSample : nextBeat(section.startSample, limit: min(section.endSample, total))
                close(at: at)
                if let s = section.soundSegment { open = (s, at) }
            }
            previous = section.soundSegment
        }
        guard let last = open else { return regions }
        if let outroLength = template?.outroLength, last.segment != "outro", template!.segments.contains("outro") {
            var outroStart = max(last.start, total - outroLength)
            if let beat = template?.beatLength, beat > 0, total - outroLength > last.start {
                outroStart = last.start + (total - outroLength - last.start) / beat * beat
            }
            close(at: outroStart)
            // An outro given less room than its length fades out rather than stop mid-note.
            let length = total - outroStart
            regions.append(MusicRegion(segment: "outro", startSample: outroStart, endSample: total,
                                       fadeOut: length < outroLength ? min(fadeOut, length) : 0))
        } else {
            close(at: total)
            regions[regions.count - 1].fadeOut = min(fadeOut, regions[regions.count - 1].endSample - regions[regions.count - 1].startSample)
        }
        return regions
    }
}
