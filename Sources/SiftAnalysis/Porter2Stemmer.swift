/// The Snowball English stemmer ("Porter2"), current Snowball 3.x rules.
///
/// Reference: the English stemming algorithm as described at
/// https://snowballstem.org/algorithms/english/stemmer.html (Martin Porter's revision of his 1980
/// algorithm), including the changes published with Snowball 3.0 and 3.1 (2025):
/// - `-ogist` becomes `-og` in step 2, so `geologist` meets `geology` at `geolog`;
/// - a doubled consonant left by step 1b is kept when only `a`, `e` or `o` precedes it
///   (`added` → `add`, not `ad`; `offing` → `off`);
/// - the words whose first region is a fixed prefix are `gener commun arsen past univers later
///   emerg organ inter`, so `universal`/`university`, `lateral`/`later`, `organic`/`organ` and
///   `internal`/`intern` stay apart;
/// - a stem ending `past` counts as short (`pasted` → `paste`, kept apart from `past`);
/// - the `-ing` and `-eed` exceptions live in step 1b (`evening`, `proceed` are left whole, and a
///   one-consonant-plus-`ying` word becomes `-ie`: `dying` → `die`, `vying` → `vie`).
///
/// The whole algorithm reduces to two region boundaries found once per word (`p1`, `p2`) and
/// suffix tests against the live tail, so every step is a few byte comparisons on the caller's
/// buffer: no strings, no allocation.
struct Porter2Stemmer: Sendable {
    init() {}

    /// Stems a lowercase word given as UTF-8 bytes, in place (the count may change).
    ///
    /// The algorithm counts characters, not bytes, wherever it measures length (the three-letter
    /// minimum, `hop 2` in `-ies`, the one-letter tests of step 1c and the short-syllable test), so
    /// a multi-byte UTF-8 sequence is treated as one non-vowel there. Only ASCII `a e i o u y` are
    /// vowels. No rule ever lengthens the word, so the caller's storage always suffices; malformed
    /// UTF-8 is stemmed as if its stray bytes were letters and is never read out of bounds.
    func stem(_ word: inout [UInt8]) {
        let count = word.count
        if count == 0 { return }
        let length = word.withUnsafeMutableBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            var state = Porter2Word(base: base, count: count)
            state.run()
            return state.n
        }
        if length < count { word.removeLast(count - length) }
    }
}

// ASCII codes used by the rules.
private let apostrophe: UInt8 = 0x27
private let la: UInt8 = 0x61, lb: UInt8 = 0x62, lc: UInt8 = 0x63, ld: UInt8 = 0x64
private let le: UInt8 = 0x65, lf: UInt8 = 0x66, lg: UInt8 = 0x67, lh: UInt8 = 0x68
private let li: UInt8 = 0x69, lk: UInt8 = 0x6B, ll: UInt8 = 0x6C, lm: UInt8 = 0x6D
private let ln: UInt8 = 0x6E, lo: UInt8 = 0x6F, lp: UInt8 = 0x70, lr: UInt8 = 0x72
private let ls: UInt8 = 0x73, lt: UInt8 = 0x74, lu: UInt8 = 0x75, lw: UInt8 = 0x77
private let lx: UInt8 = 0x78, ly: UInt8 = 0x79, lz: UInt8 = 0x7A, upperY: UInt8 = 0x59

/// The word being stemmed: the caller's bytes plus the live length and the two regions.
///
/// Every replacement the algorithm makes is no longer than the suffix it replaces (step 1b's
/// added `e` follows the removal of a longer `-ed`/`-ing`), so all writes stay inside `0..<n`
/// of the original count.
private struct Porter2Word {
    let p: UnsafeMutablePointer<UInt8>
    /// Live length: bytes `0..<n` are the word.
    var n: Int
    /// Start of R1: a suffix starting at `s` lies in R1 iff `s >= p1`.
    var p1: Int
    /// Start of R2 (never before `p1`).
    var p2: Int
    /// Whether the prelude turned any `y` into the consonant marker `Y` (undone at the end).
    var yFound = false

    @inline(__always)
    init(base: UnsafeMutablePointer<UInt8>, count: Int) {
        p = base
        n = count
        p1 = count
        p2 = count
    }

    mutating func run() {
        if exceptionalForm() { return }
        // Words of fewer than three letters are left alone (checked before the prelude, so a
        // leading apostrophe counts as a letter here).
        if !hasThreeCharacters() { return }
        prelude()
        markRegions()
        step1a()
        step1b()
        step1c()
        step2()
        step3()
        step4()
        step5()
        if yFound {
            var i = 0
            while i < n {
                if p[i] == upperY { p[i] = ly }
                i += 1
            }
        }
    }

    // MARK: Character classes and navigation

    /// The algorithm's vowels: `a e i o u y`. The prelude's `Y` marks a consonant `y`.
    @inline(__always)
    static func isVowel(_ b: UInt8) -> Bool {
        switch b {
        case la, le, li, lo, lu, ly: return true
        default: return false
        }
    }

    @inline(__always)
    static func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }

    /// End of the character starting at `i` (a UTF-8 lead byte takes its continuation bytes along).
    @inline(__always)
    func characterEnd(_ i: Int) -> Int {
        var j = i + 1
        if p[i] >= 0xC0 {
            while j < n && j - i < 4 && Porter2Word.isContinuation(p[j]) { j += 1 }
        }
        return j
    }

    /// Start of the character ending at `i` (requires `i > 0`). A continuation byte with no lead
    /// byte within reach is taken as a character of its own.
    @inline(__always)
    func characterStart(before i: Int) -> Int {
        let j = i - 1
        if !Porter2Word.isContinuation(p[j]) { return j }
        var t = j
        while t > 0 && i - t < 4 && Porter2Word.isContinuation(p[t]) { t -= 1 }
        return p[t] >= 0xC0 ? t : j
    }

    @inline(__always)
    func hasThreeCharacters() -> Bool {
        var i = 0
        var count = 0
        while i < n && count < 3 {
            i = characterEnd(i)
            count += 1
        }
        return count >= 3
    }

    /// Whether the live word ends with `suffix`.
    @inline(__always)
    func ends(_ suffix: StaticString) -> Bool {
        let m = suffix.utf8CodeUnitCount
        if m > n { return false }
        let q = suffix.utf8Start
        let base = n - m
        var i = m - 1
        while i >= 0 {
            if p[base + i] != q[i] { return false }
            i -= 1
        }
        return true
    }

    /// Whether bytes `0..<length` of the live word are exactly `text`.
    @inline(__always)
    func prefix(_ length: Int, is text: StaticString) -> Bool {
        let m = text.utf8CodeUnitCount
        if m != length || m > n { return false }
        let q = text.utf8Start
        var i = 0
        while i < m {
            if p[i] != q[i] { return false }
            i += 1
        }
        return true
    }

    /// Whether the live word starts with `text`.
    @inline(__always)
    func starts(with text: StaticString) -> Bool {
        prefix(text.utf8CodeUnitCount, is: text)
    }

    @inline(__always)
    func isWord(_ text: StaticString) -> Bool { prefix(n, is: text) }

    /// Writes `replacement` at `start` and makes it the end of the word.
    @inline(__always)
    mutating func replace(from start: Int, with replacement: StaticString) {
        let m = replacement.utf8CodeUnitCount
        let q = replacement.utf8Start
        var i = 0
        while i < m {
            p[start + i] = q[i]
            i += 1
        }
        n = start + m
    }

    /// Appends one byte. Only step 1b appends, right after removing a longer suffix.
    @inline(__always)
    mutating func append(_ b: UInt8) {
        p[n] = b
        n += 1
    }

    @inline(__always)
    func hasVowel(before end: Int) -> Bool {
        var i = 0
        while i < end {
            if Porter2Word.isVowel(p[i]) { return true }
            i += 1
        }
        return false
    }

    /// The algorithm's "short syllable" ending at `c`: consonant–vowel–consonant where the last
    /// consonant is not `w`, `x` or `Y`, or vowel–consonant at the very start of the word; the 3.x
    /// rules also count a stem ending `past`, so `pasted`/`pasting` regain the `e` of `paste`.
    @inline(__always)
    func endsInShortSyllable(_ c: Int) -> Bool {
        if c >= 2 {
            let last = p[c - 1]
            if !Porter2Word.isVowel(last) {
                let vowelEnd = characterStart(before: c)
                if vowelEnd >= 1 && Porter2Word.isVowel(p[vowelEnd - 1]) {
                    let vowelAt = vowelEnd - 1
                    if vowelAt == 0 { return true }
                    if last != lw && last != lx && last != upperY && !Porter2Word.isVowel(p[vowelAt - 1]) {
                        return true
                    }
                }
            }
        }
        return c >= 4 && p[c - 4] == lp && p[c - 3] == la && p[c - 2] == ls && p[c - 1] == lt
    }

    // MARK: Exceptional forms

    /// Whole words the rules would mishandle, stemmed (or kept) as the algorithm's list says.
    /// Returns true when the word was one of them.
    mutating func exceptionalForm() -> Bool {
        switch n {
        case 3:
            return isWord("sky")
        case 4:
            if isWord("skis") { n = 3; return true }
            if isWord("idly") { n = 3; return true }
            if isWord("ugly") { p[3] = li; return true }
            if isWord("only") { p[3] = li; return true }
            return isWord("news") || isWord("howe") || isWord("bias")
        case 5:
            if isWord("skies") { replace(from: 2, with: "y"); return true }
            if isWord("early") { p[4] = li; return true }
            return isWord("atlas") || isWord("andes")
        case 6:
            if isWord("gently") || isWord("singly") { n = 5; return true }
            return isWord("cosmos")
        default:
            return false
        }
    }

    // MARK: Prelude and regions

    /// Drops one leading apostrophe and marks consonant `y` (initial, or after a vowel) as `Y`.
    mutating func prelude() {
        if p[0] == apostrophe {
            var i = 1
            while i < n {
                p[i - 1] = p[i]
                i += 1
            }
            n -= 1
        }
        if n == 0 { return }
        if p[0] == ly {
            p[0] = upperY
            yFound = true
        }
        var i = 1
        while i < n {
            if p[i] == ly && Porter2Word.isVowel(p[i - 1]) {
                p[i] = upperY
                yFound = true
            }
            i += 1
        }
    }

    /// R1 starts after the first non-vowel that follows a vowel (or after one of the listed
    /// prefixes, which would otherwise give too short an R1); R2 is the same again from R1.
    mutating func markRegions() {
        p1 = n
        p2 = n
        let start: Int
        if let fixed = fixedPrefixLength() {
            start = fixed
        } else {
            guard let r1 = pastVowelThenConsonant(from: 0) else { return }
            start = r1
        }
        p1 = start
        if let r2 = pastVowelThenConsonant(from: start) { p2 = r2 }
    }

    /// Position just past the first non-vowel that follows a vowel at or after `from`.
    @inline(__always)
    func pastVowelThenConsonant(from: Int) -> Int? {
        var i = from
        while i < n && !Porter2Word.isVowel(p[i]) { i += 1 }
        if i >= n { return nil }
        i += 1
        while i < n && Porter2Word.isVowel(p[i]) { i += 1 }
        if i >= n { return nil }
        return characterEnd(i)
    }

    @inline(__always)
    func fixedPrefixLength() -> Int? {
        if n < 4 { return nil }
        switch p[0] {
        case la: return starts(with: "arsen") ? 5 : nil
        case lc: return starts(with: "commun") ? 6 : nil
        case le: return starts(with: "emerg") ? 5 : nil
        case lg: return starts(with: "gener") ? 5 : nil
        case li: return starts(with: "inter") ? 5 : nil
        case ll: return starts(with: "later") ? 5 : nil
        case lo: return starts(with: "organ") ? 5 : nil
        case lp: return starts(with: "past") ? 4 : nil
        case lu: return starts(with: "univers") ? 7 : nil
        default: return nil
        }
    }

    // MARK: Step 1a: apostrophe endings and plurals

    mutating func step1a() {
        if n >= 1 && p[n - 1] == apostrophe {
            n -= (n >= 3 && p[n - 2] == ls && p[n - 3] == apostrophe) ? 3 : 1
        } else if n >= 2 && p[n - 1] == ls && p[n - 2] == apostrophe {
            n -= 2
        }
        guard n >= 1 else { return }
        switch p[n - 1] {
        case ls:
            if ends("sses") {
                n -= 2
            } else if ends("ies") {
                pluralIE(n - 3)
            } else if ends("ss") || ends("us") {
                return
            } else if n >= 2 && hasVowel(before: n - 2) {
                // A vowel must come before the letter that precedes the `s` (`gas` keeps it,
                // `gaps` loses it).
                n -= 1
            }
        case ld:
            if ends("ied") { pluralIE(n - 3) }
        default:
            return
        }
    }

    /// `-ied`/`-ies` become `-i` after two or more letters and `-ie` otherwise (`ties` → `tie`,
    /// `cries` → `cri`).
    @inline(__always)
    mutating func pluralIE(_ s: Int) {
        let twoBefore = s > 0 && characterStart(before: s) > 0
        n = twoBefore ? s + 1 : s + 2
    }

    // MARK: Step 1b: -eed, -ed, -ing and their -ly forms

    mutating func step1b() {
        guard n >= 2 else { return }
        switch p[n - 1] {
        case ld:
            if ends("eed") {
                eed(n - 3)
            } else if ends("ed") {
                ed(n - 2)
            }
        case ly:
            if ends("eedly") {
                eed(n - 5)
            } else if ends("edly") {
                ed(n - 4)
            } else if ends("ingly") {
                ed(n - 5)
            }
        case lg:
            if ends("ing") {
                let s = n - 3
                if ingException(s) { return }
                ed(s)
            }
        default:
            return
        }
    }

    /// `-eed`/`-eedly` in R1 become `-ee`, except in `proceed`, `exceed`, `succeed`.
    @inline(__always)
    mutating func eed(_ s: Int) {
        guard s >= p1 else { return }
        if prefix(s, is: "proc") || prefix(s, is: "exc") || prefix(s, is: "succ") { return }
        n = s + 2
    }

    /// The algorithm's `-ing` exceptions: one consonant plus `ying` becomes `-ie` (`dying`,
    /// `lying`, `tying`, `vying`, `hying`), and `inning outing canning herring earring evening`
    /// are not `-ing` forms at all. Returns true when the word was handled here.
    @inline(__always)
    mutating func ingException(_ s: Int) -> Bool {
        if s >= 2 && p[s - 1] == ly {
            let y = s - 1
            if !Porter2Word.isVowel(p[y - 1]) && characterStart(before: y) == 0 {
                replace(from: y, with: "ie")
                return true
            }
        }
        switch s {
        case 3: return prefix(s, is: "inn") || prefix(s, is: "out")
        case 4: return prefix(s, is: "cann") || prefix(s, is: "herr") || prefix(s, is: "earr") || prefix(s, is: "even")
        default: return false
        }
    }

    /// Removes `-ed`/`-edly`/`-ing`/`-ingly` when a vowel precedes it, then repairs the stem:
    /// `-at`/`-bl`/`-iz` regain their `e`, a double consonant is undoubled (unless the word is
    /// just `a`/`e`/`o` plus it, as in `add`, `egg`, `off`), and a short stem that ends exactly at
    /// R1 regains an `e` (`hoping` → `hope`).
    @inline(__always)
    mutating func ed(_ s: Int) {
        guard hasVowel(before: s) else { return }
        n = s
        if n >= 2 {
            let a = p[n - 2]
            let b = p[n - 1]
            if (a == la && b == lt) || (a == lb && b == ll) || (a == li && b == lz) {
                append(le)
                return
            }
            if a == b {
                switch b {
                case lb, ld, lf, lg, lm, ln, lp, lr, lt:
                    if n == 3 && (p[0] == la || p[0] == le || p[0] == lo) { return }
                    n -= 1
                    return
                default:
                    break
                }
            }
        }
        if n == p1 && endsInShortSyllable(n) { append(le) }
    }

    // MARK: Step 1c: final y

    /// A final `y`/`Y` after a non-vowel that is not the first letter becomes `i` (`cry` → `cri`,
    /// but `by` and `say` stay).
    mutating func step1c() {
        guard n >= 3 else { return }
        let last = p[n - 1]
        guard last == ly || last == upperY else { return }
        guard !Porter2Word.isVowel(p[n - 2]) else { return }
        guard characterStart(before: n - 1) > 0 else { return }
        p[n - 1] = li
    }

    // MARK: Step 2: derivational suffixes in R1

    /// Replaces the longest matching suffix when it starts in R1. The algorithm picks the
    /// longest match first and then tests R1, so a shorter match is never tried instead.
    mutating func step2() {
        guard n >= 3 else { return }
        switch p[n - 1] {
        case ll:
            if ends("ational") { r1Replace(7, "ate") }
            else if ends("tional") { r1Replace(6, "tion") }
        case li:
            switch p[n - 2] {
            case lc:
                if ends("enci") { r1Replace(4, "ence") }
                else if ends("anci") { r1Replace(4, "ance") }
            case ll:
                if ends("lessli") { r1Replace(6, "less") }
                else if ends("entli") { r1Replace(5, "ent") }
                else if ends("ousli") { r1Replace(5, "ous") }
                else if ends("fulli") { r1Replace(5, "ful") }
                else if ends("abli") { r1Replace(4, "able") }
                else if ends("alli") { r1Replace(4, "al") }
                else if ends("bli") { r1Replace(3, "ble") }
                else {
                    // `-li` goes only after one of `c d e g h k m n r t`.
                    let s = n - 2
                    if s >= p1 && s >= 1 && Porter2Word.isValidLI(p[s - 1]) { n = s }
                }
            case lt:
                if ends("biliti") { r1Replace(6, "ble") }
                else if ends("aliti") { r1Replace(5, "al") }
                else if ends("iviti") { r1Replace(5, "ive") }
            case lg:
                // `-ogi` becomes `-og` only after `l` (`geologi` → `geolog`).
                if ends("ogi") {
                    let s = n - 3
                    if s >= p1 && s >= 1 && p[s - 1] == ll { n -= 1 }
                }
            default:
                return
            }
        case lr:
            if ends("izer") { r1Replace(4, "ize") }
            else if ends("ator") { r1Replace(4, "ate") }
        case ln:
            if ends("ization") { r1Replace(7, "ize") }
            else if ends("ation") { r1Replace(5, "ate") }
        case lm:
            if ends("alism") { r1Replace(5, "al") }
        case ls:
            if ends("fulness") { r1Replace(7, "ful") }
            else if ends("ousness") { r1Replace(7, "ous") }
            else if ends("iveness") { r1Replace(7, "ive") }
        case lt:
            if ends("ogist") { r1Replace(5, "og") }
        default:
            return
        }
    }

    @inline(__always)
    static func isValidLI(_ b: UInt8) -> Bool {
        switch b {
        case lc, ld, le, lg, lh, lk, lm, ln, lr, lt: return true
        default: return false
        }
    }

    @inline(__always)
    mutating func r1Replace(_ length: Int, _ replacement: StaticString) {
        let s = n - length
        if s >= p1 { replace(from: s, with: replacement) }
    }

    // MARK: Step 3: more derivational suffixes in R1

    mutating func step3() {
        guard n >= 3 else { return }
        switch p[n - 1] {
        case ll:
            if ends("ational") { r1Replace(7, "ate") }
            else if ends("tional") { r1Replace(6, "tion") }
            else if ends("ical") { r1Replace(4, "ic") }
            else if ends("ful") { r1Replace(3, "") }
        case le:
            if ends("alize") { r1Replace(5, "al") }
            else if ends("icate") { r1Replace(5, "ic") }
            else if ends("ative") {
                // `-ative` needs R2 as well, the one step 3 suffix that does.
                let s = n - 5
                if s >= p1 && s >= p2 { n = s }
            }
        case li:
            if ends("iciti") { r1Replace(5, "ic") }
        case ls:
            if ends("ness") { r1Replace(4, "") }
        default:
            return
        }
    }

    // MARK: Step 4: suffixes deleted in R2

    mutating func step4() {
        guard n >= 2 else { return }
        switch p[n - 1] {
        case ll:
            if ends("al") { r2Delete(2) }
        case le:
            if ends("ance") || ends("ence") || ends("able") || ends("ible") { r2Delete(4) }
            else if ends("ate") || ends("ive") || ends("ize") { r2Delete(3) }
        case lr:
            if ends("er") { r2Delete(2) }
        case lc:
            if ends("ic") { r2Delete(2) }
        case lt:
            if ends("ement") { r2Delete(5) }
            else if ends("ment") { r2Delete(4) }
            else if ends("ent") || ends("ant") { r2Delete(3) }
        case lm:
            if ends("ism") { r2Delete(3) }
        case li:
            if ends("iti") { r2Delete(3) }
        case ls:
            if ends("ous") { r2Delete(3) }
        case ln:
            // `-ion` only after `s` or `t` (`adoption` → `adopt`, `champion` stays).
            if ends("ion") {
                let s = n - 3
                if s >= p2 && s >= 1 && (p[s - 1] == ls || p[s - 1] == lt) { n = s }
            }
        default:
            return
        }
    }

    @inline(__always)
    mutating func r2Delete(_ length: Int) {
        let s = n - length
        if s >= p2 { n = s }
    }

    // MARK: Step 5: final e and ll

    /// Deletes a final `e` in R2, or in R1 unless it follows a short syllable; deletes the
    /// second `l` of a final `ll` in R2.
    mutating func step5() {
        guard n >= 1 else { return }
        let s = n - 1
        switch p[s] {
        case le:
            if s >= p2 || (s >= p1 && !endsInShortSyllable(s)) { n = s }
        case ll:
            if s >= p2 && s >= 1 && p[s - 1] == ll { n = s }
        default:
            return
        }
    }
}
