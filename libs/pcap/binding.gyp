{
  "targets": [
    {
      "target_name": "shakewatch_pcap",
      "sources": ["src/native/pcap_binding.cc"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8"],
      "libraries": ["-lpcap"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-O2"]
    }
  ]
}
