#!/usr/bin/env bash
# Scaffolds a workspace: scripts/new-workspace.sh packages/foo "@svclab/foo" "description" [app]
set -euo pipefail
dir=$1 name=$2 desc=$3 kind=${4:-lib}
mkdir -p "$dir/src"
if [[ $kind == app ]]; then base=node-app; else base=library; fi
cat > "$dir/package.json" <<JSON
{
  "name": "$name",
  "version": "0.1.0",
  "private": true,
  "description": "$desc",
  "type": "module",
  "exports": {
    ".": {
      "@svclab/source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "default": "./dist/index.js"
    }
  },
  "scripts": {
    "build": "tsc -p tsconfig.build.json",
    "typecheck": "tsc -p tsconfig.json --noEmit",
    "lint": "eslint src"
  }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "@svclab/tsconfig/$base.json",
  "compilerOptions": { "noEmit": true },
  "include": ["src/**/*.ts"]
}
JSON
cat > "$dir/tsconfig.build.json" <<JSON
{
  "extends": ["@svclab/tsconfig/$base.json", "@svclab/tsconfig/build.json"]
}
JSON
cat > "$dir/eslint.config.js" <<'JS'
import config from '@svclab/eslint-config';

export default config(import.meta.dirname);
JS
