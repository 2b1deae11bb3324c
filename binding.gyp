{
  # node-gyp build of the same sources as CMakeLists.txt (used by node-gyp-build's install
  # fallback and by prebuildify). Sources and flags come from scripts/build-config.js.
  "targets": [
    {
      "target_name": "torchnode",
      "sources": ["<!@(node scripts/build-config.js sources)"],
      "include_dirs": ["<!@(node scripts/build-config.js include-dirs)"],
      "defines": ["<!@(node scripts/build-config.js defines)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["<!@(node scripts/build-config.js cflags)"],
      "libraries": ["<!@(node scripts/build-config.js link-flags)"]
    }
  ]
}
