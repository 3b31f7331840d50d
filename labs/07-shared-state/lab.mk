LAB_07_DIR   := labs/07-shared-state
LAB_07_FILES := redis/reply_parser.cc redis/redis_session_store.cc
LAB_07_TSAN  := no     # one loop thread: the parser is pure, the client runs on the loop
