/*
 * CLibEdit: a small non-variadic wrapper around libedit (histedit.h).
 *
 * el_set, el_get and history() are variadic and cannot be called from Swift.
 * This shim owns one EditLine and its History behind an opaque cle_editor and
 * exposes the few operations the REPL's line reader needs.
 *
 * An editor is not thread-safe: the caller serialises every call on it.
 */
#ifndef CLIBEDIT_H
#define CLIBEDIT_H

#include <histedit.h>

/* Nullability annotations are for Swift; other compilers ignore them. */
#if !defined(__clang__)
#define _Nullable
#endif

#if defined(__clang__)
#pragma clang assume_nonnull begin
#endif

/* An EditLine on stdin/stdout/stderr with its history, prompt and completion. */
typedef struct cle_editor cle_editor;

/*
 * Completion callback: given the text before the cursor (UTF-8), returns a
 * malloc'ed, NULL-terminated array of malloc'ed candidate words (full words,
 * not suffixes), or NULL for none. The shim frees the array and its strings.
 */
typedef char *_Nullable *_Nullable (*cle_completion_function)(
    const char *line_up_to_cursor, void *_Nullable context);

/* What cle_editor_read_line produced. */
typedef enum cle_read_status {
    /* A line was read; it is returned without its line terminator. */
    CLE_READ_LINE = 0,
    /* Ctrl-C at the prompt (or a signal interrupted the read): the text is discarded. */
    CLE_READ_INTERRUPTED = 1,
    /* Ctrl-D on an empty line, end of file, or a read error. */
    CLE_READ_END = 2,
} cle_read_status;

/*
 * Creates an editor reading stdin and writing stdout/stderr, with emacs key
 * bindings, libedit's signal handling (EL_SIGNAL), a 1000-entry history with
 * consecutive duplicates dropped, Tab bound to `completion` (may be NULL) and
 * Ctrl-C bound to "discard the line". Returns NULL on failure.
 *
 * If LC_CTYPE is still "C", it is set from the environment (falling back to
 * C.UTF-8) so that libedit edits UTF-8 text correctly.
 */
cle_editor *_Nullable cle_editor_create(const char *program_name,
                                        cle_completion_function _Nullable completion,
                                        void *_Nullable context);

/* Ends the editor (restoring the terminal) and frees it with its history. */
void cle_editor_destroy(cle_editor *editor);

/*
 * Sets the prompt shown by the next reads (copied). Non-printing sequences
 * such as colour escapes must be enclosed in '\1' characters.
 * Returns 0, or -1 if out of memory.
 */
int cle_editor_set_prompt(cle_editor *editor, const char *prompt);

/*
 * Reads one line (blocking). Returns the line without its trailing newline
 * when *status is CLE_READ_LINE (valid until the next call on the editor),
 * otherwise NULL. *length receives the byte length of the returned line.
 */
const char *_Nullable cle_editor_read_line(cle_editor *editor, int *length,
                                           cle_read_status *status);

/* Adds a line to the history. Returns 0, or -1 on failure. */
int cle_editor_history_add(cle_editor *editor, const char *line);

/* Loads history from a file. Returns the number of entries, or -1. */
int cle_editor_history_load(cle_editor *editor, const char *path);

/*
 * Writes the history to a file created (or truncated) with mode 0600, and
 * forces mode 0600 on an existing file. Returns the number of entries, or -1.
 */
int cle_editor_history_save(cle_editor *editor, const char *path);

#if defined(__clang__)
#pragma clang assume_nonnull end
#endif

#endif /* CLIBEDIT_H */
