import Fuzz
import MixdownScript

/// The script parser on any text: tags, variables, SSML, nesting, sizes.
@main enum FuzzScript {
    static func main() {
        Fuzz.drive { input in
            let text = Fuzz.text(input)
            Fuzz.run { _ = try ScriptParser.parse(ScriptSource(text: text, origin: "fuzz.txt"), variables: ["name": "Ada", "city": ""]) }
        }
    }
}
