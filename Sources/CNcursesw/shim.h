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
/* Added for the TUI backend (CursesScreen). */
#include <stdio.h>
static inline SCREEN *rs_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline int rs_colors(void) { return COLORS; }
static inline int rs_color_pairs(void) { return COLOR_PAIRS; }
static inline int rs_err(void) { return ERR; }
static inline int rs_key_code_yes(void) { return KEY_CODE_YES; }
static inline int rs_key_backspace(void) { return KEY_BACKSPACE; }
static inline int rs_key_enter(void) { return KEY_ENTER; }
static inline int rs_key_up(void) { return KEY_UP; }
static inline int rs_key_down(void) { return KEY_DOWN; }
static inline int rs_key_btab(void) { return KEY_BTAB; }
static inline int rs_key_left(void) { return KEY_LEFT; }
static inline int rs_key_right(void) { return KEY_RIGHT; }
static inline int rs_key_home(void) { return KEY_HOME; }
static inline int rs_key_end(void) { return KEY_END; }
static inline int rs_attrset(WINDOW *w, int attrs, int pair) { return wattr_set(w, (attr_t)attrs, (short)pair, NULL); }
static inline int rs_put(WINDOW *w, int y, int x, const char *s) { return mvwaddstr(w, y, x, s); }
static inline int rs_get_wch(WINDOW *w, unsigned int *out) { wint_t c = 0; int r = wget_wch(w, &c); *out = (unsigned int)c; return r; }
#endif
