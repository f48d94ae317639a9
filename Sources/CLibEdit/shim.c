/* CLibEdit: editor lifetime, prompt, reading a line, history. */
/* POSIX.1-2008 with XSI: strdup, strndup, fdopen, fchmod, O_CLOEXEC, nl_langinfo. */
#define _XOPEN_SOURCE 700
#include "CLibEdit.h"
#include "editor.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

/* Marks non-printing sequences in the prompt (EL_PROMPT_ESC). */
static const char prompt_ignore = '\1';

static char empty_prompt[] = "";

/*
 * The terminal settings from before the read in progress, restored at exit
 * if the process exits while a read (on another thread) is still editing.
 */
static struct termios terminal_before_read;
static atomic_int read_in_progress;
static pthread_once_t restore_registration = PTHREAD_ONCE_INIT;

static void cle_restore_terminal_at_exit(void) {
    if (atomic_load(&read_in_progress)) {
        (void)tcsetattr(STDIN_FILENO, TCSADRAIN, &terminal_before_read);
    }
}

static void cle_register_restore(void) {
    (void)atexit(cle_restore_terminal_at_exit);
}

struct cle_editor *cle_editor_of(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) {
        return NULL;
    }
    return data;
}

static char *cle_prompt(EditLine *el) {
    struct cle_editor *editor = cle_editor_of(el);
    return editor != NULL ? editor->prompt : empty_prompt;
}

/*
 * The Ctrl-C binding: discards the line. It marks the read as interrupted,
 * shows "^C" after the text as a terminal would, and pushes a newline so
 * that libedit ends the read and leaves the cursor on a fresh line.
 */
static unsigned char cle_interrupt(EditLine *el, int ch) {
    (void)ch;
    struct cle_editor *editor = cle_editor_of(el);
    if (editor != NULL) {
        editor->interrupted = 1;
    }
    const LineInfo *line = el_line(el);
    /* Byte count >= character count; el_cursor clamps at the end. */
    el_cursor(el, (int)(line->lastchar - line->cursor));
    (void)el_insertstr(el, "^C");
    el_push(el, "\n");
    return CC_REFRESH;
}

/* libedit decodes input with the LC_CTYPE locale; a Swift program leaves it "C". */
static void cle_adopt_utf8_locale(void) {
    const char *current = setlocale(LC_CTYPE, NULL);
    if (current != NULL && strcmp(current, "C") != 0 && strcmp(current, "POSIX") != 0) {
        return;
    }
    if (setlocale(LC_CTYPE, "") != NULL && strcmp(nl_langinfo(CODESET), "UTF-8") == 0) {
        return;
    }
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
        (void)setlocale(LC_CTYPE, "C");
    }
}

static int cle_configure(struct cle_editor *editor) {
    EditLine *el = editor->el;
    HistEvent event;
    if (history(editor->history, &event, H_SETSIZE, 1000) < 0 ||
        history(editor->history, &event, H_SETUNIQUE, 1) < 0) {
        return -1;
    }
    if (el_set(el, EL_CLIENTDATA, editor) != 0 ||
        el_set(el, EL_EDITOR, "emacs") != 0 ||
        el_set(el, EL_SIGNAL, 1) != 0 ||
        el_set(el, EL_PROMPT_ESC, cle_prompt, prompt_ignore) != 0 ||
        el_set(el, EL_HIST, history, editor->history) != 0) {
        return -1;
    }
    /*
     * While a line is edited, the terminal has no interrupt and no quit
     * character: Ctrl-C arrives as a key (bound to cle-interrupt) instead of
     * raising SIGINT on whichever thread, and Ctrl-\ does nothing. Ctrl-Z
     * still suspends. The terminal's own settings return after each read.
     * Without a terminal there is nothing to set, so a failure is not fatal.
     */
    (void)el_set(el, EL_SETTY, "-d", "-intr", "intr=", "-quit", "quit=", NULL);
    /*
     * The wide form keeps the names and help texts as given (static here); the narrow el_set
     * copies them with wcsdup and never frees the copies (libedit's eln.c, "XXX: The two strdup's
     * leak"), which LeakSanitizer reports at every exit.
     */
    if (el_wset(el, EL_ADDFN, L"cle-interrupt", L"discard the line", cle_interrupt) != 0 ||
        el_set(el, EL_BIND, "^C", "cle-interrupt", NULL) != 0) {
        return -1;
    }
    if (el_wset(el, EL_ADDFN, L"cle-complete", L"complete the word", cle_complete) != 0 ||
        el_set(el, EL_BIND, "^I", "cle-complete", NULL) != 0) {
        return -1;
    }
    /* Reverse incremental search, as in bash. */
    if (el_set(el, EL_BIND, "^R", "em-inc-search-prev", NULL) != 0) {
        return -1;
    }
    return 0;
}

cle_editor *cle_editor_create(const char *program_name, cle_completion_function completion,
                              void *context) {
    cle_adopt_utf8_locale();
    (void)pthread_once(&restore_registration, cle_register_restore);
    struct cle_editor *editor = calloc(1, sizeof *editor);
    if (editor == NULL) {
        return NULL;
    }
    editor->completion = completion;
    editor->context = context;
    editor->out = stdout;
    editor->prompt = strdup("");
    editor->history = history_init();
    editor->el = el_init(program_name, stdin, stdout, stderr);
    if (editor->prompt == NULL || editor->history == NULL || editor->el == NULL ||
        cle_configure(editor) != 0) {
        cle_editor_destroy(editor);
        return NULL;
    }
    return editor;
}

void cle_editor_destroy(cle_editor *editor) {
    if (editor->el != NULL) {
        el_end(editor->el);
    }
    if (editor->history != NULL) {
        history_end(editor->history);
    }
    free(editor->prompt);
    free(editor);
}

int cle_editor_set_prompt(cle_editor *editor, const char *prompt) {
    char *copy = strdup(prompt);
    if (copy == NULL) {
        return -1;
    }
    free(editor->prompt);
    editor->prompt = copy;
    return 0;
}

const char *cle_editor_read_line(cle_editor *editor, int *length, cle_read_status *status) {
    editor->interrupted = 0;
    int count = 0;
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &terminal_before_read) == 0) {
        atomic_store(&read_in_progress, 1);
    }
    /* Raw mode before the prompt shows, so early keys are not echoed by the terminal. */
    (void)el_set(editor->el, EL_PREP_TERM, 1);
    /* Entering edit mode may rebind the terminal's special keys: bind ^C again. */
    (void)el_set(editor->el, EL_BIND, "^C", "cle-interrupt", NULL);
    errno = 0;
    const char *line = el_gets(editor->el, &count);
    int saved_errno = errno;
    (void)el_set(editor->el, EL_PREP_TERM, 0);
    atomic_store(&read_in_progress, 0);
    errno = saved_errno;
    if (editor->interrupted) {
        *length = 0;
        *status = CLE_READ_INTERRUPTED;
        return NULL;
    }
    if (line == NULL || count <= 0) {
        *length = 0;
        if (count < 0 && errno == EINTR) {
            *status = CLE_READ_INTERRUPTED;
            return NULL;
        }
        /* Leave the cursor on a fresh line after Ctrl-D at the prompt. */
        if (count == 0 && isatty(fileno(stdin))) {
            (void)fputc('\n', editor->out);
            (void)fflush(editor->out);
        }
        *status = CLE_READ_END;
        return NULL;
    }
    while (count > 0 && (line[count - 1] == '\n' || line[count - 1] == '\r')) {
        count -= 1;
    }
    *length = count;
    *status = CLE_READ_LINE;
    return line;
}

int cle_editor_history_add(cle_editor *editor, const char *line) {
    HistEvent event;
    return history(editor->history, &event, H_ENTER, line) < 0 ? -1 : 0;
}

int cle_editor_history_load(cle_editor *editor, const char *path) {
    HistEvent event;
    return history(editor->history, &event, H_LOAD, path);
}

int cle_editor_history_save(cle_editor *editor, const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        return -1;
    }
    if (fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
        (void)close(fd);
        return -1;
    }
    FILE *file = fdopen(fd, "w");
    if (file == NULL) {
        (void)close(fd);
        return -1;
    }
    HistEvent event;
    int saved = history(editor->history, &event, H_SAVE_FP, file);
    if (fclose(file) != 0) {
        return -1;
    }
    return saved;
}
