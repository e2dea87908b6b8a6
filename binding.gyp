{
  "targets": [
    {
      "target_name": "uftp_native",
      "sources": [
        "native/binding.cc",
        "native/binding_socket.cc",
        "native/binding_receive_area.cc",
        "native/binding_interfaces.cc",
        "native/binding_crypto.cc",
        "native/binding_files.cc",
        "native/binding_errors.cc",
        "native/binding_args.cc",
        "native/batch_table.cc",
        "native/socket_core.cc",
        "native/address.cc",
        "native/poll_watcher.cc",
        "native/sys_error.cc",
        "native/cipher_context.cc",
        "native/beneath_path.cc",
        "native/binding_notify.cc",
        "native/binding_service.cc",
        "native/binding_capture.cc",
        "native/binding_handlers.cc",
        "native/udp_frame.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wpedantic", "-Werror"],
      "conditions": [
        ["OS=='win'", {
          "sources": ["native/io_win.cc", "native/multicast_win.cc", "native/error_names_win.cc", "native/dscp_win.cc", "native/beneath_win.cc", "native/notify_win.cc", "native/service_win.cc", "native/capture_win.cc"],
          "defines": ["_WIN32_WINNT=0x0A00", "WIN32_LEAN_AND_MEAN", "NOMINMAX"],
          "libraries": ["-lws2_32", "-liphlpapi", "-lqwave", "-ladvapi32"],
          "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
        }, {
          "sources": ["native/io_posix.cc", "native/beneath_posix.cc", "native/notify_posix.cc", "native/service_posix.cc", "native/capture_linux.cc", "native/capture_filter_linux.cc"]
        }]
      ]
    }
  ]
}
