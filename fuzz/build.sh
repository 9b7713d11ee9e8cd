#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/targets into .build/fuzz (docs/hardening.md). SwiftPM cannot
# build fuzzers, so the parser sources are compiled here with swiftc -sanitize=fuzzer,address: the
# NpyFormat module, then the parsing files of PairGraph as a module of their own (they need nothing
# else of it), then one executable per target. Linux only (libFuzzer ships with Swift there).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)" != Linux ]; then echo "fuzzing skipped: Swift ships libFuzzer on Linux only"; exit 0; fi
SWIFTC=${SWIFTC:-swiftc}
OUT=.build/fuzz
FLAGS=(-O -g -parse-as-library -sanitize=fuzzer,address)
mkdir -p "$OUT"

library() {  # name, sources... (rebuilt when a source is newer than the library)
    local name=$1; shift
    if [ -f "$OUT/lib$name.a" ] && [ -z "$(find "$@" -newer "$OUT/lib$name.a")" ]; then return; fi
    "$SWIFTC" "${FLAGS[@]}" -module-name "$name" -I "$OUT" -emit-module -emit-module-path "$OUT/$name.swiftmodule" \
        -emit-library -static -o "$OUT/lib$name.a" "$@"
}

P=Sources/PairGraph
library NpyFormat Sources/NpyFormat/*.swift
library PairGraph $P/Parsing/ByteScanner.swift $P/Parsing/LineFormatParser.swift $P/Parsing/EdgeListParser.swift $P/Parsing/MatrixMarketParser.swift \
    $P/Parsing/ByteRangePlan.swift $P/Parsing/GraphReader.swift $P/Parsing/LabelsReader.swift $P/Parsing/EdgeListHeader.swift \
    $P/Parsing/DeclaredSizeBudget.swift $P/InputError.swift $P/EdgeList.swift $P/NodeLabels.swift

for target in EdgeList MatrixMarket Labels Npy; do
    shared=(fuzz/targets/FuzzSupport.swift)
    case $target in EdgeList|MatrixMarket) shared+=(fuzz/targets/GraphFuzz.swift) ;; esac
    "$SWIFTC" "${FLAGS[@]}" -I "$OUT" -o "$OUT/fuzz-$target" "${shared[@]}" "fuzz/targets/${target}Fuzz.swift" \
        "$OUT/libPairGraph.a" "$OUT/libNpyFormat.a" 2> >(grep -v "Cannot export local symbol" >&2)
done
echo "fuzz targets in $OUT: $(cd "$OUT" && ls fuzz-* | grep -v '\.log$' | tr '\n' ' ')"
