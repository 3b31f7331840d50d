LAB_05_DIR   := labs/05-http-parsing
LAB_05_FILES := http/header_fields.cc http/chunked_decoder.cc
LAB_05_TSAN  := no
