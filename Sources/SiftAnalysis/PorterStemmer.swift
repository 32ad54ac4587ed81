/// Martin Porter's published stemming algorithm (1980), as Snowball's `porter` implements it.
///
/// Reference: M. F. Porter, "An algorithm for suffix stripping", *Program* 14(3), 130–137, 1980.
/// This is the algorithm as the paper states it, not Porter's later reference C version (which
/// leaves one- and two-letter words alone, maps `bli` rather than `abli`, and adds `logi`): so
/// `as` → `a`, `s` → the empty word, `apology` → `apologi`. One detail follows Snowball's
/// `porter` rather than the paper's letter: step 1b undoubles only `bb dd ff gg mm nn pp rr tt`
/// (the paper: any double consonant but `ll ss zz`). No word of the published 42,603-word test
/// vocabulary tells the two apart; following Snowball keeps Sift's terms identical to other
/// Snowball-based tools.
///
/// The paper's measure conditions are evaluated through two region boundaries found once per
/// word, on the input: `m > 0` for a stem holds exactly when the stem reaches `p1` (just past the
/// first consonant that follows a vowel), and `m > 1` when it reaches `p2` (the same again, from
/// `p1`). The rewrites of earlier steps never change the measure of a stem a later step tests,
/// so every condition is one integer comparison instead of a rescan of the word.
struct PorterStemmer: Sendable {
    init() {}

    /// Stems a lowercase word given as UTF-8 bytes, in place (the count may shrink, even to 0).
    ///
    /// Only ASCII `a e i o u` (and `y`, by the paper's rule) are vowels; every other byte,
    /// including each byte of a multi-byte UTF-8 sequence, is a consonant. That keeps the rules
    /// meaningful for English and harmless for anything else: every suffix the steps touch is
    /// ASCII, so a cut always falls on a character boundary (valid UTF-8 stays valid), and no
    /// step lengthens the word, so any input at all is safe.
    func stem(_ word: inout [UInt8]) {
        let count = word.count
        if count == 0 { return }
        let length = word.withUnsafeMutableBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            var state = PorterWord(base: base, count: count)
            state.run()
            return state.n
        }
        if length < count { word.removeLast(count - length) }
    }
}

/// The word being stemmed: a view of the caller's bytes plus the live length.
///
/// Steps only ever shorten the word or rewrite its tail in place (every replacement is no longer
/// than the suffix it replaces), so the caller's storage is always big enough and nothing is
/// allocated.
private struct PorterWord {
    let b: UnsafeMutablePointer<UInt8>
    /// Live length: bytes `0..<n` are the word.
    var n: Int
    /// Index of the first vowel, or `Int.max`: a stem `0..<k` contains a vowel iff `firstVowel < k`.
    var firstVowel = Int.max
    /// A stem `0..<k` has measure `m > 0` iff `k >= p1`.
    var p1: Int
    /// A stem `0..<k` has measure `m > 1` iff `k >= p2`.
    var p2: Int

    @inline(__always)
    init(base: UnsafeMutablePointer<UInt8>, count: Int) {
        b = base
        n = count
        p1 = count
        p2 = count
    }

    mutating func run() {
        findRegions()
        step1a()
        step1b()
        step1c()
        // Steps 2–4 need a suffix of at least two letters after a non-empty stem.
        if n > 2 { step2() }
        if n > 2 { step3() }
        if n > 2 { step4() }
        if n > 0 { step5() }
    }

    // MARK: Letters

    @inline(__always)
    static func isAEIOU(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "a") || c == UInt8(ascii: "e") || c == UInt8(ascii: "i")
            || c == UInt8(ascii: "o") || c == UInt8(ascii: "u")
    }

    /// The paper's consonant: not `a e i o u`, and not a `y` that follows a consonant.
    ///
    /// Walks back over a run of `y`s, each one flipping the answer, so it is exact for `yy…`.
    @inline(__always)
    func isConsonant(_ i: Int) -> Bool {
        var j = i
        var flipped = false
        while b[j] == UInt8(ascii: "y") {
            if j == 0 { return !flipped }
            j -= 1
            flipped = !flipped
        }
        return Self.isAEIOU(b[j]) == flipped
    }

    /// Finds `firstVowel`, `p1` and `p2` in one forward pass, carrying the previous letter's
    /// class so `y` is classified without looking back.
    mutating func findRegions() {
        var previousIsConsonant = true  // a word-initial `y` is a consonant
        var seenVowel = false
        var marks = 0
        var i = 0
        while i < n {
            let c = b[i]
            let consonant: Bool
            if Self.isAEIOU(c) {
                consonant = false
            } else if c == UInt8(ascii: "y") {
                consonant = i == 0 || !previousIsConsonant
            } else {
                consonant = true
            }
            if !consonant {
                if firstVowel == Int.max { firstVowel = i }
                seenVowel = true
            } else if seenVowel {
                seenVowel = false
                if marks == 0 {
                    p1 = i + 1
                    marks = 1
                } else {
                    p2 = i + 1
                    return
                }
            }
            previousIsConsonant = consonant
            i += 1
        }
    }

    /// The paper's `*o`: the stem `0..<k` ends consonant–vowel–consonant and the last consonant
    /// is not `w`, `x` or `y` (the short syllables after which a final `e` belongs).
    @inline(__always)
    func endsShortSyllable(_ k: Int) -> Bool {
        guard k >= 3 else { return false }
        let last = b[k - 1]
        if last == UInt8(ascii: "w") || last == UInt8(ascii: "x") || last == UInt8(ascii: "y") {
            return false
        }
        return isConsonant(k - 1) && !isConsonant(k - 2) && isConsonant(k - 3)
    }

    // MARK: Suffixes

    /// Whether the word ends with `suffix`; compared from the end, where words differ soonest.
    @inline(__always)
    func ends(_ suffix: StaticString) -> Bool {
        let m = suffix.utf8CodeUnitCount
        if m > n { return false }
        let s = suffix.utf8Start
        let start = n - m
        var i = m - 1
        while i >= 0 {
            if b[start + i] != s[i] { return false }
            i -= 1
        }
        return true
    }

    /// Replaces the last `suffixLength` bytes with `replacement` (never longer than the suffix).
    @inline(__always)
    mutating func replace(_ suffixLength: Int, with replacement: StaticString) {
        let start = n - suffixLength
        let m = replacement.utf8CodeUnitCount
        let s = replacement.utf8Start
        var i = 0
        while i < m {
            b[start + i] = s[i]
            i += 1
        }
        n = start + m
    }

    /// Applies `suffix → replacement` when the word ends with `suffix` and its stem has `m > 0`.
    /// Returns whether the suffix matched at all: the paper obeys only the longest matching
    /// rule in a step, so a match whose condition fails still ends the step.
    @inline(__always)
    mutating func r1(_ suffix: StaticString, _ replacement: StaticString) -> Bool {
        guard ends(suffix) else { return false }
        let length = suffix.utf8CodeUnitCount
        if n - length >= p1 { replace(length, with: replacement) }
        return true
    }

    /// Removes `suffix` when the word ends with it and its stem has `m > 1`; returns whether it
    /// matched (see `r1`).
    @inline(__always)
    mutating func r2(_ suffix: StaticString) -> Bool {
        guard ends(suffix) else { return false }
        let k = n - suffix.utf8CodeUnitCount
        if k >= p2 { n = k }
        return true
    }

    // MARK: Steps

    /// Plurals: `sses → ss`, `ies → i`, `ss → ss`, `s → ∅`, with no conditions (so `s` → ∅).
    mutating func step1a() {
        guard b[n - 1] == UInt8(ascii: "s") else { return }
        if ends("sses") || ends("ies") {
            n -= 2
        } else if n >= 2 && b[n - 2] == UInt8(ascii: "s") {
            return
        } else {
            n -= 1
        }
    }

    /// Past tenses and participles: `(m>0) eed → ee`, `(*v*) ed → ∅`, `(*v*) ing → ∅`, then
    /// the tidy-up that restores an `e` or undoubles a consonant (`conflat` → `conflate`,
    /// `hopp` → `hop`, `fil` → `file`).
    mutating func step1b() {
        if ends("eed") {
            if n - 3 >= p1 { n -= 1 }
            return
        }
        let k: Int
        if ends("ed") {
            k = n - 2
        } else if ends("ing") {
            k = n - 3
        } else {
            return
        }
        guard firstVowel < k else { return }
        n = k
        // k >= 1 here (the stem holds a vowel), and the word was at least k + 2 long, so
        // writing one byte at index n stays inside the caller's storage.
        if ends("at") || ends("bl") || ends("iz") {
            b[n] = UInt8(ascii: "e")
            n += 1
            return
        }
        if n >= 2 {
            let c = b[n - 1]
            if c == b[n - 2] {
                switch c {
                case UInt8(ascii: "b"), UInt8(ascii: "d"), UInt8(ascii: "f"), UInt8(ascii: "g"),
                    UInt8(ascii: "m"), UInt8(ascii: "n"), UInt8(ascii: "p"), UInt8(ascii: "r"),
                    UInt8(ascii: "t"):
                    n -= 1
                    return
                default:
                    break
                }
            }
        }
        // `m = 1 and *o`: *o makes the stem end in a single consonant after a vowel, and such
        // a stem has m = 1 exactly when it ends at p1.
        if n == p1 && endsShortSyllable(n) {
            b[n] = UInt8(ascii: "e")
            n += 1
        }
    }

    /// `(*v*) y → i`, so `happy` and `happiness` meet at `happi`.
    mutating func step1c() {
        guard n >= 2, b[n - 1] == UInt8(ascii: "y"), firstVowel < n - 1 else { return }
        b[n - 1] = UInt8(ascii: "i")
    }

    /// Double suffixes to single ones, `(m>0)`; dispatched on the penultimate letter, as the
    /// paper suggests, so most words test one or two suffixes.
    mutating func step2() {
        switch b[n - 2] {
        case UInt8(ascii: "a"):
            if r1("ational", "ate") { return }
            _ = r1("tional", "tion")
        case UInt8(ascii: "c"):
            if r1("enci", "ence") { return }
            _ = r1("anci", "ance")
        case UInt8(ascii: "e"):
            _ = r1("izer", "ize")
        case UInt8(ascii: "l"):
            if r1("abli", "able") { return }
            if r1("alli", "al") { return }
            if r1("entli", "ent") { return }
            if r1("eli", "e") { return }
            _ = r1("ousli", "ous")
        case UInt8(ascii: "o"):
            if r1("ization", "ize") { return }
            if r1("ation", "ate") { return }
            _ = r1("ator", "ate")
        case UInt8(ascii: "s"):
            if r1("alism", "al") { return }
            if r1("iveness", "ive") { return }
            if r1("fulness", "ful") { return }
            _ = r1("ousness", "ous")
        case UInt8(ascii: "t"):
            if r1("aliti", "al") { return }
            if r1("iviti", "ive") { return }
            _ = r1("biliti", "ble")
        default:
            break
        }
    }

    /// `-ic-`, `-full`, `-ness` and friends, `(m>0)`.
    mutating func step3() {
        switch b[n - 1] {
        case UInt8(ascii: "e"):
            if r1("icate", "ic") { return }
            if r1("ative", "") { return }
            _ = r1("alize", "al")
        case UInt8(ascii: "i"):
            _ = r1("iciti", "ic")
        case UInt8(ascii: "l"):
            if r1("ical", "ic") { return }
            _ = r1("ful", "")
        case UInt8(ascii: "s"):
            _ = r1("ness", "")
        default:
            break
        }
    }

    /// Strips the last derivational suffix, `(m>1)`; `ion` also needs the stem to end in `s`
    /// or `t`. Longest match first: `ement` before `ment` before `ent`.
    mutating func step4() {
        switch b[n - 2] {
        case UInt8(ascii: "a"):
            _ = r2("al")
        case UInt8(ascii: "c"):
            if r2("ance") { return }
            _ = r2("ence")
        case UInt8(ascii: "e"):
            _ = r2("er")
        case UInt8(ascii: "i"):
            _ = r2("ic")
        case UInt8(ascii: "l"):
            if r2("able") { return }
            _ = r2("ible")
        case UInt8(ascii: "n"):
            if r2("ant") { return }
            if r2("ement") { return }
            if r2("ment") { return }
            _ = r2("ent")
        case UInt8(ascii: "o"):
            if ends("ion") {
                let k = n - 3
                if k >= p2 && k >= 1 && (b[k - 1] == UInt8(ascii: "s") || b[k - 1] == UInt8(ascii: "t")) {
                    n = k
                }
                return
            }
            _ = r2("ou")
        case UInt8(ascii: "s"):
            _ = r2("ism")
        case UInt8(ascii: "t"):
            if r2("ate") { return }
            _ = r2("iti")
        case UInt8(ascii: "u"):
            _ = r2("ous")
        case UInt8(ascii: "v"):
            _ = r2("ive")
        case UInt8(ascii: "z"):
            _ = r2("ize")
        default:
            break
        }
    }

    /// `(m>1) e → ∅`, `(m=1 and not *o) e → ∅`, then `(m>1 and *d and *L)` undoubles a final `l`.
    mutating func step5() {
        if n >= 1 && b[n - 1] == UInt8(ascii: "e") {
            let k = n - 1
            if k >= p2 || (k >= p1 && !endsShortSyllable(k)) { n = k }
        }
        if n >= 2 && b[n - 1] == UInt8(ascii: "l") && b[n - 2] == UInt8(ascii: "l") && n - 1 >= p2 {
            n -= 1
        }
    }
}
