import MixdownCore
import MixdownScript

/// The timing rules of docs/timeline.md as a pure function: no audio, no I/O, integer samples.
/// Seconds become samples exactly once (`round(t × 48000)`, half away from zero); everything
/// after that is integer arithmetic, so boundaries never drift.
public enum TimelinePlanner {
    /// The most speech may be time-compressed to fit (`timelineProperties.maxStretch`'s default).
    public static let maximumStretch = 1.3
    static let defaultSectionGap = 0.3
    static let defaultSpeechStart = 0.5
    static let defaultSoundTail = 1.5
    static let defaultFadeOut = 1.0

    public static func plan(_ input: PlanInput) throws -> TimelinePlan {
        let rate = SampleTime.renderRate
        func samples(_ seconds: Double) -> Int { SampleTime.samples(seconds: seconds, rate: rate) }
        func seconds(_ s: Int) -> String { String(format: "%.3f s", Double(s) / Double(rate)) }

        try checkEnding(input)
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
            var room = content
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
                room = available
                if content <= available {
                    let justify = section.properties.justify ?? .flexStart
                    let spare = available - content
                    let offset = justify == .flexStart ? 0 : justify == .flexEnd ? spare : spare / 2
                    layout = place(section.items, section: i, from: low + offset, fitting: Fitting(), cut: nil)
                    end = fixedEnd
                } else {
                    let overflowMs = Double(content - available) * 1_000 / Double(rate)
                    let too = "section '\(section.name)' is \(Int(overflowMs.rounded())) ms too long for its span"
                    if timeline.overflow == .fail {
                        throw MixdownError(.badInput, "\(too) (overflow: fail): shorten its copy, move its endAt or choose another overflow",
                                           code: .sectionOverflow, keyPath: "sectionProperties.\(section.name)")
                    }
                    if timeline.overflow == .extend {
                        layout = place(section.items, section: i, from: low, fitting: Fitting(), cut: nil)
                        end = low + content + padEnd
                        warnings.append(PlanWarning(code: .sectionOverflow, section: section.name, overflowMs: overflowMs,
                                                    message: "\(too): extended to \(seconds(end))"))
                    } else {
                        let fitting = fit(section.items, available: available, policy: timeline.overflow,
                                          maxStretch: timeline.maxStretch ?? maximumStretch)
                        layout = place(section.items, section: i, from: low, fitting: fitting, cut: fitting.needsCut ? high : nil)
                        var notes = fitting.notes
                        if fitting.needsCut { notes.append(cutNote(layout, section: section.items, index: i, from: low)) }
                        warnings.append(PlanWarning(code: .sectionOverflow, section: section.name, overflowMs: overflowMs,
                                                    message: "\(too): \(notes.joined(separator: ", then "))"))
                        end = fixedEnd
                    }
                }
            } else {
                layout = place(section.items, section: i, from: start + padStart, fitting: Fitting(), cut: nil)
                end = start + padStart + content + padEnd
            }
            planned.append(PlannedSection(name: section.name, soundSegment: segments[i], startSample: start, endSample: end,
                                          contentSamples: content, spanSamples: room, items: layout, fadeIn: samples(section.properties.fadeIn ?? 0),
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
        let (music, ending) = musicRegions(planned, restarts: restarts, total: total, template: input.template,
                                           fadeOut: samples(timeline.fadeOut ?? defaultFadeOut), ending: timeline.ending,
                                           alternate: !namesSegment(input, "main2"))
        if timeline.ending == .button, ending == .fade, let button = input.template?.button {
            // Asked for by name and not played: said, and refused in strict delivery.
            warnings.append(PlanWarning(code: .endingFallback, section: nil, overflowMs: nil,
                                        message: "ending 'button' needs \(seconds(button.lastOnset + endGuard)) (the button's last onset + 100 ms) and the programme is \(seconds(total)): the bed fades out instead"))
        }
        return TimelinePlan(totalSamples: total, sections: planned, tail: tail, music: music, ending: ending, warnings: warnings)
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

    /// How a flow too long for its room is made to fit (docs/timeline.md "Overflow"): parts of
    /// the engine's pauses taken out, speech compressed, and whether the rest is cut.
    struct Fitting {
        /// By item index: the parts of its pauses taken out (clip samples).
        var tightened: [Int: [SampleRange]] = [:]
        /// By item index: speech compressed to this length (after tightening).
        var compressed: [Int: Int] = [:]
        var needsCut = false
        /// What was done, for the warning.
        var notes: [String] = []
    }

    /// A pause may shrink to a quarter of itself, and never below 60 ms: speech stays speech.
    static let pauseKeptFraction = 0.25
    static let shortestPause = 2_880

    /// `fit` tightens the engine's pauses, then compresses speech (as `stretch` does) by at most
    /// `maxStretch`; what still does not fit is cut (as `truncate` does, at a word boundary).
    static func fit(_ items: [PlanInput.Item], available: Int, policy: OverflowPolicy, maxStretch: Double) -> Fitting {
        var fitting = Fitting()
        func ms(_ samples: Int) -> Int { Int((Double(samples) * 1_000 / Double(SampleTime.renderRate)).rounded()) }
        var lengths = [Int: Int]()
        for (index, item) in items.enumerated() where item.takesTime { lengths[index] = item.length }
        var total: Int { lengths.values.reduce(0, +) }
        if policy == .fit {
            fitting.tightened = tightenPauses(items, by: total - available)
            let removed = fitting.tightened.values.joined().reduce(0) { $0 + $1.length }
            for (index, ranges) in fitting.tightened { lengths[index]! -= ranges.reduce(0) { $0 + $1.length } }
            if removed > 0 { fitting.notes.append("the engine's pauses tightened by \(ms(removed)) ms") }
        }
        if total > available, policy == .fit || policy == .stretch {
            let before = items.indices.filter { items[$0].isSpeech }.reduce(0) { $0 + lengths[$1]! }
            let (compressed, fits) = compressedSpeech(items, lengths: lengths, available: available, maxStretch: maxStretch)
            fitting.compressed = compressed
            for (index, length) in compressed { lengths[index] = length }
            let after = compressed.values.reduce(0, +)
            if after < before {
                fitting.notes.append(String(format: "speech compressed %.3fx%@", Double(before) / Double(max(1, after)), fits ? "" : " (the most allowed, maxStretch)"))
            }
        }
        fitting.needsCut = total > available
        return fitting
    }

    /// Takes `needed` samples (or as many as they have) out of the speech's pauses, from each in
    /// proportion to what it can give, apportioned exactly; each part taken is the pause's middle.
    static func tightenPauses(_ items: [PlanInput.Item], by needed: Int) -> [Int: [SampleRange]] {
        var slack = [(item: Int, pause: SampleRange, give: Int)]()
        for (index, item) in items.enumerated() where item.isSpeech {
            for pause in item.pauses {
                let keep = max(shortestPause, Int((Double(pause.length) * pauseKeptFraction).rounded(.up)))
                if pause.length > keep { slack.append((index, pause, pause.length - keep)) }
            }
        }
        let available = slack.reduce(0) { $0 + $1.give }
        let take = min(max(0, needed), available)
        guard take > 0 else { return [:] }
        var shares = slack.map { $0.give * take / available }
        var left = take - shares.reduce(0, +)
        let order = slack.indices.sorted { a, b in
            let (ra, rb) = (slack[a].give * take % available, slack[b].give * take % available)
            return ra != rb ? ra > rb : a < b
        }
        for k in order where left > 0 { shares[k] += 1; left -= 1 }
        var ranges = [Int: [SampleRange]]()
        for (k, s) in slack.enumerated() where shares[k] > 0 {
            let from = s.pause.startSample + (s.pause.length - shares[k]) / 2
            ranges[s.item, default: []].append(SampleRange(from, from + shares[k]))
        }
        return ranges
    }

    /// Lays the flow out from `start`: each item after the one before, effects at the point
    /// where they appear (or ending there, and moved by their offset) without taking time.
    /// `cut` ends the flow there or before: at the last word boundary of the item across it
    /// that fits (an item none of whose words fit is not played), or at `cut` itself for media
    /// and breaks.
    static func place(_ items: [PlanInput.Item], section: Int, from start: Int, fitting: Fitting, cut: Int?) -> [PlannedItem] {
        var out = [PlannedItem]()
        var position = start
        var stopped = false
        for (index, item) in items.enumerated() {
            let tightened = fitting.tightened[index] ?? []
            let tightLength = item.length - tightened.reduce(0) { $0 + $1.length }
            let placedLength = fitting.compressed[index] ?? tightLength
            let id = item.id ?? ItemID(section: section, item: index)
            guard item.takesTime else {
                if stopped { continue }   // its point was cut from the flow
                let begin = max(0, position + (item.alignEnd ? -item.length : 0) + item.offset)
                out.append(PlannedItem(kind: item.kind, id: id, startSample: begin, endSample: begin + item.length,
                                       sourceLength: item.length, placedLength: item.length, stretch: 1, truncated: false))
                continue
            }
            if stopped { continue }
            var planned = PlannedItem(kind: item.kind, id: id, startSample: position, endSample: position + placedLength,
                                      sourceLength: item.length, placedLength: placedLength,
                                      stretch: placedLength > 0 && placedLength != tightLength ? Double(tightLength) / Double(placedLength) : 1,
                                      truncated: false, tightened: tightened)
            if let cut, planned.endSample > cut {
                stopped = true
                let room = cut - position
                var played = room
                if item.isSpeech, !item.words.isEmpty {
                    // The latest word boundary that fits.
                    played = 0
                    for w in item.words {
                        for boundary in [w.startSample, w.endSample] {
                            let at = planned.placedOffset(ofSource: boundary)
                            if at <= room, at > played { played = at }
                        }
                    }
                }
                guard played > 0 else { continue }
                planned.endSample = position + played
                planned.truncated = true
            }
            out.append(planned)
            position = planned.endSample
        }
        return out
    }

    /// The warning's words for a cut: where, and how much was not played.
    static func cutNote(_ layout: [PlannedItem], section items: [PlanInput.Item], index section: Int, from low: Int) -> String {
        let end = layout.filter { if case .effect = $0.kind { return false }; return true }.map(\.endSample).max() ?? low
        // Items are named as `place` names them.
        func placed(_ k: Int) -> PlannedItem? {
            let id = items[k].id ?? ItemID(section: section, item: k)
            return layout.first { $0.id == id }
        }
        var unplayed = 0
        for (k, item) in items.enumerated() where item.isSpeech {
            guard let planned = placed(k) else { unplayed += item.words.count; continue }
            unplayed += item.words.filter { planned.startSample + planned.placedOffset(ofSource: $0.startSample) >= planned.endSample }.count
        }
        let seconds = String(format: "%.3f s", Double(end) / Double(SampleTime.renderRate))
        // The cut falls on a word boundary only when the item it stops is speech with word
        // timings; breaks, media and speech without timings are cut at the sample.
        let stopped = items.indices.first { k in items[k].takesTime && (placed(k)?.truncated ?? true) }
        let atWord = stopped.map { items[$0].isSpeech && !items[$0].words.isEmpty } ?? false
        let where_ = atWord ? "cut at a word boundary at" : "cut at"
        return "\(where_) \(seconds)" + (unplayed > 0 ? " (\(unplayed) word\(unplayed == 1 ? "" : "s") not played)" : "")
    }

    static func speechTotal(_ items: [PlanInput.Item]) -> Int { items.filter(\.isSpeech).reduce(0) { $0 + $1.length } }

    /// New speech lengths that make the flow fit `available`, compressing every speech item
    /// (from its length in `lengths`) by (nearly) the same factor and none by more than
    /// `maxStretch`: each keeps at least ⌈length / maxStretch⌉, and the shares are apportioned so
    /// their sum is exact. `fits` is false when even `maxStretch` is not enough; then every
    /// item is at its shortest and the flow is cut.
    static func compressedSpeech(_ items: [PlanInput.Item], lengths base: [Int: Int], available: Int, maxStretch: Double) -> (lengths: [Int: Int], fits: Bool) {
        let speechIndices = items.indices.filter { items[$0].isSpeech }
        let speech = speechIndices.reduce(0) { $0 + base[$1]! }
        let other = items.indices.filter { items[$0].takesTime && !items[$0].isSpeech }.reduce(0) { $0 + base[$1]! }
        let room = available - other
        var minimum = [Int: Int]()
        for index in speechIndices { minimum[index] = Int((Double(base[index]!) / maxStretch).rounded(.up)) }
        guard speech > 0, room >= minimum.values.reduce(0, +) else { return (minimum, false) }
        // Proportional shares, floored, never below the minimum.
        var lengths = [Int: Int]()
        var remainders = [(index: Int, remainder: Int)]()
        for index in speechIndices {
            let exact = base[index]! * room
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

    // MARK: Endings (docs/templates.md "Endings")

    /// Nothing starts in a programme's last 100 ms: a new attack there sounds like a mistake.
    static let endGuard = 4_800
    /// A button's last onset is at most this far (1.5 s) before the end.
    static let buttonReach = 72_000
    /// Programmes up to 60 s end on the template's button by default, when it has one.
    static let buttonDefaultLength = 2_880_000
    /// A button's ring past the end fades over at least 50 ms, even with `fadeOut: 0` (a
    /// ring stopped dead clicks).
    static let shortestRingFade = 2_400

    /// An ending asked for that the template cannot play is an error, never a quiet fallback;
    /// needs no lengths, so it runs before any speech (Pipeline.check) as well as here.
    public static func checkEnding(_ input: PlanInput) throws {
        guard let asked = input.timeline.ending, asked != .fade else { return }
        let keyPath = "timelineProperties.ending"
        guard let template = input.template else {
            throw MixdownError(.badInput, "'\(asked.rawValue)' needs a sound template, and the production has none (or use 'fade')",
                               code: .unknownName, keyPath: keyPath)
        }
        let has = asked == .button ? template.button != nil : template.outroLength != nil
        if has && template.segments.contains(asked.rawValue) { return }
        let name = template.name.map { "template '\($0)'" } ?? "the template"
        throw MixdownError(.badInput, "'\(asked.rawValue)' needs the template's '\(asked.rawValue)' segment, and \(name) has none (segments: \(template.segments.joined(separator: ", ")))",
                           code: .unknownName, keyPath: keyPath)
    }

    /// The ending a programme gets: the one asked for, else `button` for a programme up to
    /// 60 s whose template has one, else the template's outro, else a fade.
    static func resolvedEnding(_ template: PlanInput.Template, asked: Ending?, total: Int) -> Ending {
        if let asked { return asked }
        if total <= buttonDefaultLength, template.button != nil, template.segments.contains("button") { return .button }
        return template.outroLength != nil && template.segments.contains("outro") ? .outro : .fade
    }

    /// Whether any section names `segment` itself.
    static func namesSegment(_ input: PlanInput, _ segment: String) -> Bool {
        input.sections.contains { if case .some(.named(let s)) = $0.soundSegment { return s == segment }; return false }
    }

    /// Regions of the music bus: a region runs while the segment continues, restarts where a
    /// section names a segment, stops under `none`. The last runs through the tail, and the
    /// programme ends with the ending (`resolvedEnding`): the template's outro (its ring ending
    /// at the last sample), its button, or a fade.
    ///
    /// With a tempo, a change from one segment to the next lands on a beat of the one playing:
    /// the new segment starts (on its own downbeat) at the first beat at or after its section's
    /// start, less than a beat later, when the section is long enough; the outro starts on
    /// the last beat that leaves it its whole length, so it rings out less than a beat before
    /// the end; the button on the last beat that lands its last onset at least 100 ms before
    /// the end (`placeButton`). Otherwise the change is where the plan puts it, crossfaded.
    /// Long `main` regions then alternate with `main2` (`alternated`) when `alternate`.
    static func musicRegions(_ sections: [PlannedSection], restarts: [Bool], total: Int, template: PlanInput.Template?,
                             fadeOut: Int, ending asked: Ending?, alternate: Bool) -> (regions: [MusicRegion], ending: Ending?) {
        guard let template else { return ([], nil) }
        var regions = [MusicRegion]()
        var open: (segment: String, start: Int)?
        func close(at end: Int) {
            if let o = open, end > o.start { regions.append(MusicRegion(segment: o.segment, startSample: o.start, endSample: end, fadeOut: 0)) }
            open = nil
        }
        /// The running region's first beat at or after `at`, when it comes before `limit`.
        func nextBeat(_ at: Int, limit: Int) -> Int {
            guard let beat = template.beatLength, beat > 0, let o = open, at > o.start else { return at }
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
        // Music stopped (`none`) before the end: nothing to end.
        guard let last = open else { return (regions, nil) }
        func finish(_ ending: Ending?) -> (regions: [MusicRegion], ending: Ending?) {
            guard alternate, let main = template.loops["main"], let main2 = template.loops["main2"], template.segments.contains("main2") else {
                return (regions, ending)
            }
            return (regions.flatMap { $0.segment == "main" ? alternated($0, main: main, main2: main2) : [$0] }, ending)
        }
        func fadeToEnd() {
            close(at: total)
            if let r = regions.indices.last { regions[r].fadeOut = min(fadeOut, regions[r].endSample - regions[r].startSample) }
        }
        // A script that names the outro or the button for its last section has ended it itself.
        if MusicRegion.onceSegments.contains(last.segment) {
            fadeToEnd()
            return finish(Ending(rawValue: last.segment))
        }
        let ending = resolvedEnding(template, asked: asked, total: total)
        if ending == .outro, let outroLength = template.outroLength {
            var outroStart = max(last.start, total - outroLength)
            if let beat = template.beatLength, beat > 0, total - outroLength > last.start {
                outroStart = last.start + (total - outroLength - last.start) / beat * beat
            }
            close(at: outroStart)
            // An outro given less room than its length fades out rather than stop mid-note.
            let length = total - outroStart
            regions.append(MusicRegion(segment: "outro", startSample: outroStart, endSample: total,
                                       fadeOut: length < outroLength ? min(fadeOut, length) : 0))
            return finish(.outro)
        }
        // The button, where placeButton finds it room (a programme shorter than its last onset
        // + 100 ms fades instead: a fade is all that fits).
        if ending == .button, let button = template.button,
           let start = placeButton(button, total: total, runningFrom: last.start, beat: template.beatLength) {
            if start >= last.start {
                close(at: start)
            } else {
                // The last change came after the button's place: the button takes over there.
                open = nil
                regions = regions.compactMap { r in
                    guard r.startSample < start else { return nil }
                    var r = r
                    r.endSample = min(r.endSample, start)
                    return r
                }
            }
            // Its ring past the end fades out after its last onset, ending at the last sample.
            let afterOnset = total - (start + button.lastOnset)
            let ring = start + button.length > total ? min(afterOnset, max(fadeOut, shortestRingFade)) : 0
            regions.append(MusicRegion(segment: "button", startSample: start, endSample: total, fadeOut: ring))
            return finish(.button)
        }
        fadeToEnd()
        return finish(.fade)
    }

    /// Where the button starts: its last onset at least 100 ms before the end, as late as
    /// that allows. With a tempo, on a beat of the region running since `runningFrom` (the
    /// latest such beat), so the last onset is less than a beat + 100 ms before the end; a beat
    /// longer than 1.4 s is halved until it is not, keeping that within 1.5 s. Without a tempo,
    /// or when the running region starts after that place, the last onset is exactly 100 ms
    /// before the end. Nil when the programme is shorter than the last onset + 100 ms.
    static func placeButton(_ button: PlanInput.Template.Button, total: Int, runningFrom: Int, beat: Int?) -> Int? {
        let latest = total - endGuard - button.lastOnset
        guard latest >= 0 else { return nil }
        guard var grid = beat, grid > 0, latest >= runningFrom else { return latest }
        while grid > buttonReach - endGuard { grid = (grid + 1) / 2 }
        return runningFrom + (latest - runningFrom) / grid * grid
    }

    // MARK: main2 (docs/templates.md "main2")

    /// A region is alternated only when it is longer than this many passes of `main`'s loop…
    static let alternationAfterLoops = 4
    /// …and then each segment plays this many of its loops before the other takes over.
    static let alternationTurn = 2

    /// A long `main` region, alternated with `main2` so the bed develops: when the region is
    /// longer than four passes of main's loop (the first pass counted with its pickup), main2
    /// takes over at the end of main's second pass, main again two main2 loops later, and so
    /// on, each switch on a loop boundary (a bar line) and each newcomer entering at its loop
    /// start, not its pickup. A switch is made only when the newcomer has at least one whole
    /// loop before the region ends; the last part runs to the region's end.
    static func alternated(_ region: MusicRegion, main: PlanInput.Template.Loop, main2: PlanInput.Template.Loop) -> [MusicRegion] {
        guard main.length > 0, main2.length > 0, region.sourceStart <= main.end else { return [region] }
        let firstPass = main.end - region.sourceStart
        guard region.endSample - region.startSample > firstPass + (alternationAfterLoops - 1) * main.length else { return [region] }
        var out = [MusicRegion]()
        var (segment, loop, from, source) = ("main", main, region.startSample, region.sourceStart)
        var boundary = from + firstPass + (alternationTurn - 1) * main.length
        while true {
            let (nextSegment, nextLoop) = segment == "main" ? ("main2", main2) : ("main", main)
            guard boundary + nextLoop.length <= region.endSample else { break }
            out.append(MusicRegion(segment: segment, startSample: from, endSample: boundary, fadeOut: 0, sourceStart: source))
            (segment, loop, from, source) = (nextSegment, nextLoop, boundary, nextLoop.restart)
            boundary = from + alternationTurn * loop.length
        }
        out.append(MusicRegion(segment: segment, startSample: from, endSample: region.endSample, fadeOut: region.fadeOut, sourceStart: source))
        return out
    }
}
