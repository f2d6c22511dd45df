// A C actor as a new user writes one: Debian's clang + wasi-libc (wasm32-wasi, reactor), made into a
// component with the WASI preview1 reactor adapter jco ships. It uses printf, stderr, getentropy and
// files; the canonical-ABI glue of theater:simple/actor#init is written by hand (no wit-bindgen).
//
// init state (text) → what it does:
//   none        print to stdout and stderr, 16 bytes of entropy, write greeting.txt, read it back
//   "escape"    try to leave the preopened folder (.., absolute /.., a symlink named out-link) and report
//   "exit:N"    print, then exit(N)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  (void)align;
  return realloc(old, new_size);
}

static char report[1024];
static size_t used;

static void add(const char *fmt, const char *a, int b) {
  int n = snprintf(report + used, sizeof report - used, fmt, a, b);
  if (n > 0) used += (size_t)n < sizeof report - used ? (size_t)n : sizeof report - used - 1;
}

/** 0 when the file could be opened for reading, else errno. */
static int try_open(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return errno;
  fclose(f);
  return 0;
}

static void demo(void) {
  printf("hello from C\n");
  fprintf(stderr, "C writes to stderr\n");
  unsigned char buf[16];
  int e = getentropy(buf, sizeof buf);
  add("entropy=%s%d", e == 0 ? "" : "error ", e == 0 ? (int)sizeof buf : errno);
  FILE *f = fopen("greeting.txt", "w");
  if (!f) {
    add(" file=%serrno %d", "", errno);
    return;
  }
  fputs("hello, file", f);
  fclose(f);
  char text[64] = {0};
  f = fopen("greeting.txt", "r");
  if (f) {
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
  }
  printf("read back: %s\n", text);
  add(" file=%s%.0d", text, 0);
}

static void escape(void) {
  add("dotdot=%s%d", "", try_open("../outside.txt"));
  add(" abs=%s%d", "", try_open("/../outside.txt"));
  add(" link=%s%d", "", try_open("out-link"));
  add(" inside=%s%d", "", try_open("inside.txt"));
}

static unsigned int result[4];

__attribute__((export_name("theater:simple/actor#init"))) unsigned int *init(int has_state, const char *state, size_t len) {
  used = 0;
  report[0] = 0;
  if (has_state && len > 5 && memcmp(state, "exit:", 5) == 0) {
    printf("exiting with %d\n", atoi(state + 5));
    fflush(stdout);
    exit(atoi(state + 5));
  }
  if (has_state && len == 6 && memcmp(state, "escape", 6) == 0) escape();
  else demo();
  fflush(stdout);
  // result<tuple<option<list<u8>>>, string>: ok, some(report)
  result[0] = 0;
  result[1] = 1;
  result[2] = (unsigned int)(size_t)report;
  result[3] = (unsigned int)used;
  return result;
}
