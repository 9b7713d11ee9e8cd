import Distributed

// Apart from InputError.swift, which the fuzz targets compile without the Distributed module.
extension InputError: ClassifiedError {
    public var failureKind: FailureKind { .input }
}
