import MixdownCore
import Testing
@testable import MixdownScript
@testable import MixdownTimeline

/// Endings and main2 as the planner places them (docs/templates.md "Endings", "main2").
@Suite struct EndingPlannerTests {
    static let beat = 24_000   // 120 bpm
    static let main = PlanInput.Template.Loop(restart: 96_000, end: 288_000)   // pickup bar, two-bar loop
    static func template(button: Bool = true, outro: Bool = true, main2: Bool = false, beat: Int? = beat) -> PlanInput.Template {
        var segments = ["intro", "main"]
        if outro { segments.append("outro") }
        if button { segments.append("button") }
        if main2 { segments.append("main2") }
        return PlanInput.Template(segments: segments.sorted(), defaultSegment: "main", outroLength: outro ? 144_000 : nil, beatLength: beat,
                                  button: button ? .init(length: 108_000, lastOnset: 12_000) : nil,
                                  loops: main2 ? ["main": main, "main2": main] : ["main": main], name: "t")
    }
    static func input(seconds: Double, template: PlanInput.Template?, ending: Ending? = nil, named: String? = nil) -> PlanInput {
        var t = TimelineProperties(); t.forceLength = seconds; t.ending = ending
        return PlanInput(sections: [
            .init(name: "a", soundSegment: .named("intro"), items: [.init(.pause, length: 144_000)]),
            .init(name: "b", soundSegment: .named(named ?? "main"), items: [.init(.pause, length: 96_000)]),
        ], timeline: t, template: template)
    }

    @Test func theButtonLandsOnTheLastBeatThatLeavesItsOnset100Ms() throws {
        let plan = try TimelinePlanner.plan(Self.input(seconds: 15, template: Self.template()))
        #expect(plan.ending == .button)
        // Section b starts at 3.8 s; main on intro's next beat, 4.0 s.
        #expect(plan.music[0] == MusicRegion(segment: "intro", startSample: 0, endSample: 192_000, fadeOut: 0))
        // Latest start for the onset: 720,000 − 4,800 − 12,000 = 703,200, 21.3 beats into main: beat 21.
        #expect(plan.music[1] == MusicRegion(segment: "main", startSample: 192_000, endSample: 696_000, fadeOut: 0))
        // Its ring passes the end: faded after the last onset (12,000 samples).
        #expect(plan.music[2] == MusicRegion(segment: "button", startSample: 696_000, endSample: 720_000, fadeOut: 12_000))
        #expect(plan.music[2].playsOnce)
        // Without a tempo: the last onset exactly 100 ms before the end.
        let free = try TimelinePlanner.plan(Self.input(seconds: 15, template: Self.template(beat: nil)))
        #expect(free.music.last?.startSample == 703_200)
        // A beat longer than 1.4 s (30 bpm, 96,000) is halved: the onset stays within 1.5 s.
        let slow = try TimelinePlanner.plan(Self.input(seconds: 15, template: Self.template(beat: 96_000)))
        let onset = slow.music.last!.startSample + 12_000
        #expect(720_000 - onset >= 4_800 && 720_000 - onset <= 72_000 && (slow.music.last!.startSample - slow.music[1].startSample) % 48_000 == 0)
    }

    @Test func defaultsAndExplicitEndings() throws {
        // Over 60 s the default is the outro; a button asked for still plays.
        #expect(try TimelinePlanner.plan(Self.input(seconds: 61, template: Self.template())).ending == .outro)
        #expect(try TimelinePlanner.plan(Self.input(seconds: 61, template: Self.template(), ending: .button)).music.last?.segment == "button")
        #expect(try TimelinePlanner.plan(Self.input(seconds: 60, template: Self.template())).ending == .button)
        // Without a button: today's outro, or a fade without one.
        #expect(try TimelinePlanner.plan(Self.input(seconds: 15, template: Self.template(button: false))).ending == .outro)
        let faded = try TimelinePlanner.plan(Self.input(seconds: 15, template: Self.template(button: false, outro: false)))
        #expect(faded.ending == .fade && faded.music.last == MusicRegion(segment: "main", startSample: 192_000, endSample: 720_000, fadeOut: 48_000))
        // `fade` asked for on a template with both.
        let fade = try TimelinePlanner.plan(Self.input(seconds: 15, template: Self.template(), ending: .fade))
        #expect(fade.ending == .fade && fade.music.map(\.segment) == ["intro", "main"])
        // No template: nothing to end.
        #expect(try TimelinePlanner.plan(Self.input(seconds: 15, template: nil)).ending == nil)
    }

    @Test func aButtonWithoutRoomFadesAndALateChangeGivesWay() throws {
        // 0.3 s: shorter than the last onset (0.25 s) + 100 ms.
        var t = TimelineProperties(); t.forceLength = 0.3; t.speechStart = 0; t.sectionGap = 0
        let short = try TimelinePlanner.plan(PlanInput(sections: [.init(name: "a", soundSegment: nil, items: [.init(.pause, length: 4_800)])],
                                                       timeline: t, template: Self.template()))
        #expect(short.ending == .fade && short.music.map(\.segment) == ["main"] && short.totalSamples == 14_400)
        // By default that is only the report's `ending`; asked for by name, it is also a warning
        // (strict delivery refuses it).
        #expect(short.warnings.isEmpty)
        t.ending = .button
        let asked = try TimelinePlanner.plan(PlanInput(sections: [.init(name: "a", soundSegment: nil, items: [.init(.pause, length: 4_800)])],
                                                       timeline: t, template: Self.template()))
        #expect(asked.ending == .fade && asked.music == short.music)
        #expect(asked.warnings.map(\.code) == [.endingFallback])
        #expect(asked.warnings.first?.message == "ending 'button' needs 0.350 s (the button's last onset + 100 ms) and the programme is 0.300 s: the bed fades out instead")
        t.ending = nil; t.speechStart = nil; t.sectionGap = nil
        // main named at 14.8 s, after the button's place (14.65 s): the button takes over there, its
        // last onset exactly 100 ms before the end (its ring faded over those 100 ms).
        t.forceLength = 15
        let late = try TimelinePlanner.plan(PlanInput(sections: [
            .init(name: "a", soundSegment: .named("intro"), items: [.init(.pause, length: 4_800)], properties: .init(endAt: 14.8)),
            .init(name: "b", soundSegment: .named("main"), items: [.init(.pause, length: 480)], properties: .init(paddingStart: 0, paddingEnd: 0)),
        ], timeline: t, template: Self.template()))
        #expect(late.music == [MusicRegion(segment: "intro", startSample: 0, endSample: 703_200, fadeOut: 0),
                               MusicRegion(segment: "button", startSample: 703_200, endSample: 720_000, fadeOut: 4_800)], "\(late.music)")
    }

    @Test("an ending the template lacks is refused", arguments: [
        (Ending.button, "timelineProperties.ending: 'button' needs the template's 'button' segment, and template 't' has none (segments: intro, main, outro)"),
        (Ending.outro, "timelineProperties.ending: 'outro' needs the template's 'outro' segment, and template 't' has none (segments: button, intro, main)"),
    ])
    func refusals(ending: Ending, message: String) {
        let template = Self.template(button: ending != .button, outro: ending != .outro)
        #expect(throws: MixdownError.badInput(message)) { try TimelinePlanner.plan(Self.input(seconds: 15, template: template, ending: ending)) }
        #expect(throws: MixdownError.badInput(message)) { try TimelinePlanner.checkEnding(Self.input(seconds: 15, template: template, ending: ending)) }
    }

    @Test func longMainRegionsAlternateWithMain2() throws {
        let plan = try TimelinePlanner.plan(Self.input(seconds: 60, template: Self.template(button: false, main2: true), ending: .fade))
        let beds = plan.music.dropFirst()
        // main from 4 s: its pickup and two loops end at 4 + 6 + 4 = 14 s; then every 8 s.
        #expect(beds.map(\.segment) == ["main", "main2", "main", "main2", "main", "main2", "main"], "\(plan.music)")
        #expect(beds.map(\.startSample) == [192_000, 672_000, 1_056_000, 1_440_000, 1_824_000, 2_208_000, 2_592_000])
        // Each newcomer enters on its loop start; the first main plays its file from the start.
        #expect(beds.map(\.sourceStart) == [0, 96_000, 96_000, 96_000, 96_000, 96_000, 96_000])
        // The last (1.5 loops: a switch needs a whole loop before the end) keeps the fade.
        #expect(beds.last?.endSample == 2_880_000 && beds.last?.fadeOut == 48_000)
        // Short regions do not alternate; nor does a script that names main2 itself.
        #expect(try TimelinePlanner.plan(Self.input(seconds: 15, template: Self.template(main2: true))).music.map(\.segment) == ["intro", "main", "button"])
        let named = try TimelinePlanner.plan(Self.input(seconds: 60, template: Self.template(main2: true), named: "main2"))
        #expect(!named.music.contains { $0.segment == "main" }, "\(named.music)")
    }
}
