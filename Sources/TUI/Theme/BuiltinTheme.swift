/// The text of `themes/default.theme`, built in so the app always has a theme that loads.
/// A test checks the two stay the same.
enum BuiltinTheme {
    static let defaultSource = #"""
# Ringside default theme: light text on a dark terminal.
# Format: `key = value`. A colour role's value is `[FG] [on BG] [bold] [dim] [reverse] [underline]`.
# Colours: default, black, red, green, yellow, blue, magenta, cyan, white, bright-NAME, grey, color0…color255.
name = default
colors = on

# Voice-to-voice grading: at or under good is green, at or over bad is red.
threshold.good = 500ms
threshold.bad = 1s

text = default
muted = grey
background = default on default
title = bright-cyan bold
border = grey
header = bright-white bold
header.bar = on blue
caller = bright-cyan
agent = bright-green
human = bright-magenta bold
note = yellow
partial = grey dim
cut-off = red dim
stage.endpointing = cyan
stage.stt = blue
stage.brain = magenta
stage.tools = yellow
stage.tts = green
stage.playout = bright-white
good = bright-green
warn = bright-yellow
bad = bright-red bold
approval = bright-yellow bold
approval.bar = on color52
key = bright-white bold
overlay = default
overlay.bar = on color236
input = bright-white

glyph.endpointing = █
glyph.stt = █
glyph.brain = █
glyph.tools = █
glyph.tts = █
glyph.playout = █
"""#
}
