// The umbrella module: `import Sift` gives a program every layer's public API, so users never
// need to know how the library is split (docs/ARCHITECTURE.md describes the layers).
@_exported import SiftStorage
@_exported import SiftAnalysis
@_exported import SiftIngest
@_exported import SiftIndex
@_exported import SiftSearch
@_exported import SiftEvaluation
@_exported import SiftInterchange
