import Distributed
import NpyFormat

// NpyFormat depends on nothing (the fuzz targets compile it alone), so its error is classified here.
extension NpyError: ClassifiedError {
    public var failureKind: FailureKind { .input }
}
