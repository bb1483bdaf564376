#ifndef RINGSIDE_CNCURSESW_SHIM_H
#define RINGSIDE_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>

/* Macros and globals that Swift cannot import directly. */
static inline WINDOW *rs_stdscr(void) { return stdscr; }
static inline int rs_lines(void) { return LINES; }
static inline int rs_cols(void) { return COLS; }
static inline int rs_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int rs_attr_bold(void) { return (int)A_BOLD; }
static inline int rs_attr_dim(void) { return (int)A_DIM; }
static inline int rs_attr_reverse(void) { return (int)A_REVERSE; }
static inline int rs_attr_underline(void) { return (int)A_UNDERLINE; }
static inline int rs_maxy(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)x; return y; }
static inline int rs_maxx(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)y; return x; }
static inline int rs_key_resize(void) { return KEY_RESIZE; }
static inline int rs_key_npage(void) { return KEY_NPAGE; }
static inline int rs_key_ppage(void) { return KEY_PPAGE; }
static inline const char *rs_curses_version(void) { return curses_version(); }
#endif
