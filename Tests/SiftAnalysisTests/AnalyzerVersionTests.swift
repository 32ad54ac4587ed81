import Testing
@testable import SiftAnalysis

/// `Analyzer.version` is stored in every index: an update refuses an index of another version
/// and a search warns. This fixed sample — mixed scripts, acronyms, possessives, digit groups
/// and decimals, diacritics, ligatures, CJK, stop words, both stemmers — pins what the analyzer
/// gives, so a change to analysis fails here until `Analyzer.version` is bumped and the expected
/// output below is updated together with it.
@Suite struct AnalyzerVersionTests {
    static let sample = "The U.S. Army's 5,000 troops—Afghanistan’s café owners don't know 3.14 ΑΘΗΝΑ Москва naïve Straße Ñandú 東京タワー are running faster relational hopefully generously ﬁle x²"

    /// The analyzer version the expected output below belongs to.
    static let expectedVersion: UInt32 = 1

    /// Porter, English stop words: every token as `term@position:start-end`.
    static let porterTokens = "us@1:4-7 armi@2:9-15 5000@3:16-21 troop@4:22-28 afghanistan@5:31-46 cafe@6:47-52 owner@7:53-59 don't@8:60-65 know@9:66-70 3.14@10:71-75 αθηνα@11:76-86 москва@12:87-99 naiv@13:100-106 strass@14:107-114 nandu@15:115-122 東@16:123-126 京@17:126-129 タ@18:129-132 ワ@19:132-135 ー@20:135-138 run@22:143-150 faster@23:151-157 relat@24:158-168 hopefulli@25:169-178 gener@26:179-189 file@27:190-195 x2@28:196-199"

    /// The terms of the other stemmers (same positions and offsets).
    static let porter2Terms = "us armi 5000 troop afghanistan cafe owner don't know 3.14 αθηνα москва naiv strass nandu 東 京 タ ワ ー run faster relat hope generous file x2"
    static let noStemmerTerms = "us army 5000 troops afghanistan cafe owners don't know 3.14 αθηνα москва naive strasse nandu 東 京 タ ワ ー running faster relational hopefully generously file x2"

    @Test("the analyzer gives exactly the output recorded for its version (bump Analyzer.version when it changes)")
    func outputBelongsToVersion() {
        #expect(Analyzer.version == Self.expectedVersion,
                "Analyzer.version changed: record the new output below and set expectedVersion with it")
        let porter = Analyzer(configuration: AnalyzerConfiguration(stemmer: .porter)).analyze(Self.sample)
        #expect(porter.map { "\($0.term)@\($0.position):\($0.start)-\($0.end)" }.joined(separator: " ") == Self.porterTokens,
                "analysis output changed: bump Analyzer.version (indexes of the old version must be rebuilt) and update the expected output")
        #expect(Analyzer(configuration: AnalyzerConfiguration(stemmer: .porter2)).terms(of: Self.sample).joined(separator: " ") == Self.porter2Terms,
                "Porter2 output changed: bump Analyzer.version")
        #expect(Analyzer(configuration: AnalyzerConfiguration(stemmer: .none)).terms(of: Self.sample).joined(separator: " ") == Self.noStemmerTerms,
                "folding or tokenizing changed: bump Analyzer.version")
        let noStopWords = Analyzer(configuration: AnalyzerConfiguration(stemmer: .none, stopWords: .none)).terms(of: Self.sample)
        #expect(noStopWords.prefix(2) == ["the", "us"] && noStopWords.contains("are"), "stop words are dropped, and only they")
    }
}
