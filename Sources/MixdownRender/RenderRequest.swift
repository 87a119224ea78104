import MixdownCore
import MixdownIO
import MixdownReport
import MixdownScript
import MixdownSpeech
import MixdownTemplates

/// What to render and where the results go. Everything the engine needs from outside comes in
/// here (the CLI reads the environment, a service its settings): the engine reads no globals.
public struct RenderRequest: Sendable {
    public var production: Production
    /// `--var k=v`: personalisation that overrides the production's audience.
    public var variables: [String: String] = [:]
    /// What `variables` are called in a warning about one the script never uses (`--var`, a
    /// batch's `CSV column`, the API's `variables`).
    public var variablesOrigin = "--var"
    /// Strict delivery (`--strict`, `?strict=true`; or the production's `strict`): every
    /// warning is an error and nothing is written.
    public var strict = false
    /// `-o`: a file, a folder or a stem; nil writes `<name>.<ext>` in the current folder.
    public var output: String?
    /// `--end-format`: overrides the production's endFormat.
    public var endFormats: [EndFormat] = []
    public var reportPath: String?
    /// `--report-html`: the visual report, a self-contained page (docs/visual-report.md).
    public var reportPagePath: String?
    /// The page's player link for an output (nil: the file's path relative to the page; a
    /// service serves the page and the outputs under its own URLs).
    public var reportPagePlayer: (@Sendable (EncodedOutput) -> String)?
    public var stemsDirectory: String?
    /// `--captions srt|vtt`: word-timed captions beside the (first) output.
    public var captions: CaptionFormat?
    /// Where finished speech clips are kept between renders (no caching by default).
    public var cache = SpeechCache(directory: nil)
    /// Where the render spills the programme between its passes (unlinked files).
    public var temporaryDirectory = "/tmp"
    /// Frames per block through the streaming engine: any size gives the same output.
    public var blockFrames = 65_536
    /// The stem of the default output name (the production or script file's name).
    public var name: String
    /// Folders of named sound templates, searched after `<production folder>/SoundTemplates`
    /// (the CLI passes `SoundTemplate.standardLibraries`; a service its own library).
    public var templateLibraries: [String] = []
    /// The Piper, hibari and Pico voices a production may name, and the processes that speak them (nil:
    /// none; `voice` then names an espeak-ng voice).
    public var voices: VoiceLibrary?
    /// Templates already decoded in this process (a batch's or a service's; nil: load afresh).
    public var templates: TemplateCache?
    /// The longest programme this render may make (seconds; `--max-duration`, a server setting).
    public var maximumDuration = Limits.maximumProgrammeSeconds
    /// The cores this render may use, shared with whatever else the process runs.
    public var pool: WorkerPool
    /// Progress events and the cancel switch (a fresh one: nobody listens, nothing cancels).
    public var control = RenderControl()

    public init(production: Production, name: String, pool: WorkerPool) {
        (self.production, self.name, self.pool) = (production, name, pool)
    }
}

extension RenderRequest {
    /// The sidecar files this render writes beside its audio.
    var sidecars: Sidecars { Sidecars(reportPath: reportPath, pagePath: reportPagePath, player: reportPagePlayer) }
}
