import ClosedForms
import PairGraph
import Spectral

// The option values the command line names, under the names it uses: the CLI imports only this
// module, and `--help` lists each enum's cases.

/// `--loss`.
public typealias LossName = ClosedForms.LossName
/// `--merge`.
public typealias MergeRule = PairGraph.MergeRule
/// `--laplacian-method`.
public typealias LaplacianMethod = Spectral.LaplacianMethod
/// `--next-eigenvalue`.
public typealias NextEigenvalueMethod = Spectral.NextEigenvalueMethod
/// `--filter`.
public typealias SpectralFilter = Spectral.SpectralFilter
/// `--label-weighting`.
public typealias LabelWeighting = ClosedForms.LabelWeighting
/// The Lanczos iteration's settings and the method choice, whose `init()`s hold every default the
/// options show.
public typealias LanczosSettings = Spectral.LanczosSettings
public typealias MethodChoice = Spectral.MethodChoice
