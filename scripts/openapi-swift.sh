#!/usr/bin/env bash
# Regenerates Sources/MixdownServer/OpenAPIDocument.swift from docs/openapi.yaml (the server
# builds the document in, so the binary needs no resource files; a test checks they agree).
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo '// Generated from docs/openapi.yaml by scripts/openapi-swift.sh (a test checks that the two'
  echo '// agree): the document the server serves at /openapi.yaml, built in so the binary needs no'
  echo '// resource files.'
  echo 'enum OpenAPIDocument {'
  echo '    static let yaml = #"""'
  cat docs/openapi.yaml
  echo '"""#'
  echo '}'
} > Sources/MixdownServer/OpenAPIDocument.swift
